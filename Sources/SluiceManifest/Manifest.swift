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
    public var suspend: Bool
    public var retired: Bool
    /// Where the manifest was read from (relative to the root) and its position there.
    public var origin: Origin

    public init(name: String, labels: [String: String], task: LearningTask?, dataset: DatasetSpec, algorithm: String, params: [String: JSON],
                gate: [GateRule], deploy: DeploySpec, suspend: Bool, retired: Bool, origin: Origin) {
        self.name = name
        self.labels = labels
        self.task = task
        self.dataset = dataset
        self.algorithm = algorithm
        self.params = params
        self.gate = gate
        self.deploy = deploy
        self.suspend = suspend
        self.retired = retired
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

/// Where the data comes from and which rows test the model.
public struct DatasetSpec: Sendable, Equatable {
    /// A path relative to the repository root, or an `http(s)://` URL.
    public var source: String
    public var target: String
    /// `nil`: every column but the target.
    public var features: [String]?
    /// Used when `test` is `nil`.
    public var split: SplitSpec
    /// A separate, fixed evaluation CSV with the same columns.
    public var test: String?
    /// Pins of the content of `source` and `test`.
    public var sha256: String?
    public var testSha256: String?

    public init(source: String, target: String, features: [String]?, split: SplitSpec, test: String?, sha256: String?, testSha256: String?) {
        self.source = source
        self.target = target
        self.features = features
        self.split = split
        self.test = test
        self.sha256 = sha256
        self.testSha256 = testSha256
    }

    /// Whether `source` (or `test`) is a URL rather than a file path.
    public static func isURL(_ s: String) -> Bool { s.hasPrefix("http://") || s.hasPrefix("https://") }
}

/// One gate rule: thresholds on one metric, all of which must hold.
public struct GateRule: Sendable, Equatable {
    public var metric: String
    public var min: Double?
    public var max: Double?
    /// How much worse than the champion the candidate may be, in the metric's own direction.
    public var maxRegression: Double?

    public init(metric: String, min: Double? = nil, max: Double? = nil, maxRegression: Double? = nil) {
        self.metric = metric
        self.min = min
        self.max = max
        self.maxRegression = maxRegression
    }
}

/// Where a model is published.
public enum DeploySpec: Sendable, Equatable, Hashable {
    /// `<path>/model.json` and `<path>/metadata.json`; a relative path resolves against the root.
    case directory(path: String)
    /// An Open Inference Protocol repository endpoint; the bearer token is read from `tokenEnv`.
    case http(url: String, tokenEnv: String?)

    /// A short human description ("directory deploy/iris").
    public var summary: String {
        switch self {
        case .directory(let path): "directory \(path)"
        case .http(let url, _): "http \(url)"
        }
    }
}
