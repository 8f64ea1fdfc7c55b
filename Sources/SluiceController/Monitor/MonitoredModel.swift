import SluiceManifest

/// A model whose manifest has `spec.monitor`, as the last cycle read it.
public struct MonitoredModel: Sendable, Equatable {
    /// The model's name.
    public var name: String
    /// Its `spec.monitor`.
    public var spec: MonitorSpec
    /// Its deploy target (an `http` target's server is read when `spec.server` is not set).
    public var deploy: DeploySpec

    /// Creates a monitored model.
    public init(name: String, spec: MonitorSpec, deploy: DeploySpec) {
        self.name = name
        self.spec = spec
        self.deploy = deploy
    }

    /// The monitored models among `manifests`.
    public static func of(_ manifests: [Manifest]) -> [MonitoredModel] {
        manifests.compactMap { m in m.monitor.map { MonitoredModel(name: m.name, spec: $0, deploy: m.deploy) } }
    }
}
