import Foundation
import SluiceCore
import SluiceManifest
import SluiceReconcile
import SluiceSystem

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
        case .s3(let url): "s3 " + ManifestSet.normaliseS3(url)
        }
    }

    /// The target for `spec`.
    /// - Throws: ``TargetError`` for a target this build cannot deploy to (an `s3` URL that names no prefix).
    public func target(_ spec: DeploySpec) throws -> any DeployTarget {
        switch spec {
        case .directory(let path):
            return DirectoryTarget(path: PosixFiles.join(rootPath, path), display: path, digester: digester)
        case .http(let url, let tokenEnv):
            return HTTPTarget(url: url, tokenEnv: tokenEnv)
        case .s3(let url):
            return try S3Target(url: url)
        }
    }
}
