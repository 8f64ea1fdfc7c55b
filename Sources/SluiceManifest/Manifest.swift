import SluiceCore
import SluiceLearn

/// One declared model: the desired state of `metadata.name`, as committed by a team.
///
/// See DESIGN §1. Values here are validated: a `Manifest` exists only when its file decoded
/// cleanly. Parameters have their defaults filled in.
public struct Manifest: Sendable, Equatable {
    public static let apiVersion = "sluice.dev/v1"
    public static let kind = "Model"

    public var name: String
    public var labels: [String: String]
    /// `nil` means "infer from the target column".
    public var task: LearningTask?
    public var dataset: DatasetSpec
    public var algorithm: String
    /// Parameters with defaults filled in.
    public var params: [String: JSON]
    public var gate: [GateRule]
    public var deploy: DeploySpec
    /// The files each publication writes (`spec.deploy.formats`), sorted; always ``PublishFormat/sluice``.
    public var formats: [PublishFormat]
    public var suspend: Bool
    public var retired: Bool
    /// `spec.monitor`, when the model is watched in service.
    public var monitor: MonitorSpec?
    /// Where the manifest was read from (relative to the root) and its position there.
    public var origin: Origin

    public init(name: String, labels: [String: String], task: LearningTask?, dataset: DatasetSpec, algorithm: String, params: [String: JSON],
                gate: [GateRule], deploy: DeploySpec, formats: [PublishFormat] = PublishFormat.standard, suspend: Bool, retired: Bool,
                monitor: MonitorSpec? = nil, origin: Origin) {
        self.name = name
        self.labels = labels
        self.task = task
        self.dataset = dataset
        self.algorithm = algorithm
        self.params = params
        self.gate = gate
        self.deploy = deploy
        self.formats = formats
        self.suspend = suspend
        self.retired = retired
        self.monitor = monitor
        self.origin = origin
    }

    /// Where a manifest came from.
    public struct Origin: Sendable, Equatable, CustomStringConvertible {
        public var file: String
        public var position: SourcePosition
        public init(file: String, position: SourcePosition) {
            self.file = file
            self.position = position
        }
        public var description: String { "\(file):\(position.line):\(position.column)" }
    }
}
