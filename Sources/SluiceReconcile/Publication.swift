import SluiceManifest

/// A version in service on a target.
public struct Publication: Sendable, Equatable {
    public var version: String
    public var deploy: DeploySpec
    public var artifactDigest: String
    /// The files published (`spec.deploy.formats` when it was published).
    public var formats: [PublishFormat]
    public init(version: String, deploy: DeploySpec, artifactDigest: String, formats: [PublishFormat] = PublishFormat.standard) {
        self.version = version
        self.deploy = deploy
        self.artifactDigest = artifactDigest
        self.formats = formats
    }
}
