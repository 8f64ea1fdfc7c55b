import Foundation
import SluiceSystem

/// Manifests in a local directory, read as they are each cycle.
public struct DirectorySource: ManifestSource {
    public let root: URL
    public let manifests: String

    public init(root: URL, manifests: String) {
        self.root = root
        self.manifests = manifests
    }

    public func sync() throws {}
    public var isAvailable: Bool { true }
    public var description: String { "directory \(PosixFiles.join(root.path, manifests))" }
}
