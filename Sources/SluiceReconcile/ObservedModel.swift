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
