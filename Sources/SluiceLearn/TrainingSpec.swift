import SluiceCore

/// Everything that decides what model gets trained.
public struct TrainingSpec: Sendable {
    /// `nil` infers the task from the target column.
    public var task: LearningTask?
    public var target: String
    /// `nil` uses every column but the target.
    public var features: [String]?
    public var algorithm: Algorithm
    /// The parameters as the artifact records them (a manifest's, with the catalog's defaults
    /// filled in); training resolves them with ``HyperParameters``.
    public var params: [String: JSON]
    public var split: SplitSpec
    /// The metrics the model's gate names: checked against the task (inferred or declared)
    /// before any work, so a regression metric on a classifier is an error, not a silent NaN.
    public var gateMetrics: [String]

    public init(task: LearningTask?, target: String, features: [String]?, algorithm: Algorithm, params: [String: JSON], split: SplitSpec,
                gateMetrics: [String] = []) {
        self.task = task
        self.target = target
        self.features = features
        self.algorithm = algorithm
        self.params = params
        self.split = split
        self.gateMetrics = gateMetrics
    }
}
