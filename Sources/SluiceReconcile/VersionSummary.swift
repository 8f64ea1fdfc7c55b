import SluiceCore

/// A trained version, as much of it as planning needs.
public struct VersionSummary: Sendable, Equatable {
    public var id: String
    public var artifactDigest: String
    /// The canonical text of the manifest's training inputs when it was trained
    /// (``Manifest/trainingInputs``); parsed only when a plan must explain a change.
    public var inputsText: String
    public var dataDigest: String
    public var testDigest: String?
    /// The feedback snapshot it was trained on, if any (``FeedbackInput/digest``).
    public var feedbackDigest: String?

    public init(id: String, artifactDigest: String, inputs: JSON, dataDigest: String, testDigest: String? = nil, feedbackDigest: String? = nil) {
        self.init(id: id, artifactDigest: artifactDigest, inputsText: inputs.canonical(), dataDigest: dataDigest, testDigest: testDigest,
                  feedbackDigest: feedbackDigest)
    }

    public init(id: String, artifactDigest: String, inputsText: String, dataDigest: String, testDigest: String? = nil, feedbackDigest: String? = nil) {
        self.feedbackDigest = feedbackDigest
        self.id = id
        self.artifactDigest = artifactDigest
        self.inputsText = inputsText
        self.dataDigest = dataDigest
        self.testDigest = testDigest
    }

    /// The training inputs (``inputsText`` parsed; `null` if unreadable).
    public var inputs: JSON { (try? JSONParser.parse(inputsText).value) ?? .null }
}
