import Foundation
import SluiceCore
import SluiceManifest
import SluiceReconcile
import SluiceSystem

/// What a target should hold for a publication.
public struct ExpectedContent: Sendable, Equatable {
    /// The model's name, which `metadata.json` must declare.
    public var model: String
    /// The version published.
    public var version: String
    /// The SHA-256 of `model.json`.
    public var artifactDigest: String
    /// The files published (`model.json` and those of `spec.deploy.formats`).
    public var formats: [PublishFormat]

    public init(model: String, version: String, artifactDigest: String, formats: [PublishFormat] = PublishFormat.standard) {
        self.model = model
        self.version = version
        self.artifactDigest = artifactDigest
        self.formats = formats
    }
}
