import SluiceManifest

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
