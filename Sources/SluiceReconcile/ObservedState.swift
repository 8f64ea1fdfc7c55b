import SluiceCore
import SluiceManifest

/// What is actually there: for each model, its trained versions, gate verdicts and publication
/// (from the store), and what its deployment target really holds (observed just now).
public struct ObservedState: Sendable {
    public var models: [String: ObservedModel]
    public init(models: [String: ObservedModel] = [:]) { self.models = models }

    public subscript(name: String) -> ObservedModel {
        models[name] ?? ObservedModel(name: name)
    }

    /// Names of models that are published somewhere now.
    public var publishedNames: [String] {
        models.values.filter { $0.publication != nil }.map(\.name).sorted()
    }
}

/// The observed state of one model.
public struct ObservedModel: Sendable {
    public var name: String
    /// Trained versions by version id.
    public var versions: [String: VersionSummary]
    /// Gate verdicts by version id, then gate digest.
    public var verdicts: [String: [String: Verdict]]
    /// The version in service and where, if any.
    public var publication: Publication?
    /// What the publication's target holds now; `nil` when not observed.
    public var target: TargetObservation?

    public init(name: String, versions: [String: VersionSummary] = [:], verdicts: [String: [String: Verdict]] = [:],
                publication: Publication? = nil, target: TargetObservation? = nil) {
        self.name = name
        self.versions = versions
        self.verdicts = verdicts
        self.publication = publication
        self.target = target
    }
}

/// A trained version, as much of it as planning needs.
public struct VersionSummary: Sendable, Equatable {
    public var id: String
    public var artifactDigest: String
    /// The canonical text of the manifest's training inputs when it was trained
    /// (``Manifest/trainingInputs``); parsed only when a plan must explain a change.
    public var inputsText: String
    public var dataDigest: String
    public var testDigest: String?

    public init(id: String, artifactDigest: String, inputs: JSON, dataDigest: String, testDigest: String? = nil) {
        self.init(id: id, artifactDigest: artifactDigest, inputsText: inputs.canonical(), dataDigest: dataDigest, testDigest: testDigest)
    }

    public init(id: String, artifactDigest: String, inputsText: String, dataDigest: String, testDigest: String? = nil) {
        self.id = id
        self.artifactDigest = artifactDigest
        self.inputsText = inputsText
        self.dataDigest = dataDigest
        self.testDigest = testDigest
    }

    /// The training inputs (``inputsText`` parsed; `null` if unreadable).
    public var inputs: JSON { (try? JSONParser.parse(inputsText).value) ?? .null }
}

/// The outcome of evaluating a version's gate.
public struct Verdict: Sendable, Equatable {
    public var passed: Bool
    /// One line per failed rule, e.g. "accuracy 0.933 < min 0.99".
    public var summary: String
    public init(passed: Bool, summary: String) {
        self.passed = passed
        self.summary = summary
    }
}

/// A version in service on a target.
public struct Publication: Sendable, Equatable {
    public var version: String
    public var deploy: DeploySpec
    public var artifactDigest: String
    public init(version: String, deploy: DeploySpec, artifactDigest: String) {
        self.version = version
        self.deploy = deploy
        self.artifactDigest = artifactDigest
    }
}

/// What a deployment target holds compared with the publication record.
public enum TargetObservation: Sendable, Equatable {
    /// It holds the published artifact, digest verified.
    case matches
    /// It has drifted: the model is gone or changed (the detail says how).
    case drifted(String)
}
