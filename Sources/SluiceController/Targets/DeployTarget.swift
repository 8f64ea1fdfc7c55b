import Foundation
import SluiceCore
import SluiceManifest
import SluiceReconcile
import SluiceSystem

/// A place models are published to. Publishing is atomic: the target shows the old model or
/// the new one, never a half-written one.
public protocol DeployTarget: Sendable {
    /// Compares what the target holds with what it should hold: the artifact, and the metadata
    /// naming the model, its version and the artifact's digest (what a server loads it by).
    func observe(_ expected: ExpectedContent) throws -> TargetObservation
    /// Publishes an artifact and its metadata.
    /// - Parameter fence: called right before the write that makes the new model visible (the
    ///   rename, the request); when it throws, nothing visible is changed and its error is thrown.
    func publish(artifact: [UInt8], metadata: [UInt8], fence: WriteFence) throws
    /// Removes the model from the target.
    /// - Parameter fence: called right before the first deletion; when it throws, nothing is removed.
    func retire(fence: WriteFence) throws
    /// Checks, without changing anything visible, that the target could be published to.
    func preflight() throws
}

/// Checks, right before a write to a deployment target commits, that this process may still
/// write: the writer lease's ``WriterLease/confirm()``. A holder that was paused past its lease
/// and lost it finds out here, before it overwrites what the new holder published.
public typealias WriteFence = @Sendable () throws -> Void

/// What a target should hold for a publication.
public struct ExpectedContent: Sendable, Equatable {
    /// The model's name, which `metadata.json` must declare.
    public var model: String
    /// The version published.
    public var version: String
    /// The SHA-256 of `model.json`.
    public var artifactDigest: String

    public init(model: String, version: String, artifactDigest: String) {
        self.model = model
        self.version = version
        self.artifactDigest = artifactDigest
    }
}

/// Makes the target a deploy spec names.
public struct TargetFactory: Sendable {
    public let root: URL
    public let digester: FileDigester

    let rootPath: String

    public init(root: URL, digester: FileDigester) {
        self.root = root
        self.rootPath = root.standardizedFileURL.path
        self.digester = digester
    }

    /// One spelling of the place `spec` names, equal for two specs that name the same directory
    /// (however written, links followed) or the same URL.
    public func identity(_ spec: DeploySpec) -> String {
        switch spec {
        case .directory(let path): "directory " + PosixFiles.resolved(PosixFiles.join(rootPath, path))
        case .http(let url, _): "http " + ManifestSet.normaliseURL(url)
        }
    }

    /// The target for `spec`.
    /// - Throws: ``TargetError`` for a target kind this build cannot deploy to.
    public func target(_ spec: DeploySpec) throws -> any DeployTarget {
        switch spec {
        case .directory(let path):
            return DirectoryTarget(path: PosixFiles.join(rootPath, path), display: path, digester: digester)
        case .http(let url, let tokenEnv):
            return HTTPTarget(url: url, tokenEnv: tokenEnv)
        }
    }
}
