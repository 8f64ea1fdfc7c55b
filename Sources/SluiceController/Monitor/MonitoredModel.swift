import SluiceManifest
import SluiceReconcile

/// A model whose manifest has `spec.monitor`, as the last cycle read it.
public struct MonitoredModel: Sendable, Equatable {
    /// The model's name.
    public var name: String
    /// Its `spec.monitor`.
    public var spec: MonitorSpec
    /// Its deploy target (an `http` target's server is read when `spec.server` is not set).
    public var deploy: DeploySpec
    /// The dataset's target column: the column ground truth fills in a feedback snapshot.
    public var target: String
    /// The manifest's digest: the retrain guards count retrains per spec.
    public var specDigest: String
    /// The version id of the manifest's training inputs (``DesiredModel/baseVersionID``), which a
    /// feedback snapshot is taken for; `nil` when its data cannot be read (no retrain then).
    public var baseVersion: String?

    /// Creates a monitored model.
    public init(name: String, spec: MonitorSpec, deploy: DeploySpec, target: String = "", specDigest: String = "", baseVersion: String? = nil) {
        self.name = name
        self.spec = spec
        self.deploy = deploy
        self.target = target
        self.specDigest = specDigest
        self.baseVersion = baseVersion
    }

    /// The monitored models among the desired ones, with what an automatic retrain needs.
    public static func of(_ desired: [DesiredModel]) -> [MonitoredModel] {
        desired.compactMap { d in
            let m = d.manifest
            return m.monitor.map {
                MonitoredModel(name: m.name, spec: $0, deploy: m.deploy, target: m.dataset.target, specDigest: m.digest, baseVersion: d.baseVersionID)
            }
        }
    }
}
