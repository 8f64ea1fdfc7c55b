import Foundation
import SluiceCore
import SluiceSystem

/// Manifests on a branch of a git repository, through the `git` command line: cloned once into
/// the store's directory, fetched each cycle, and checked out (detached, cleaned) at the
/// branch head, so the checkout always equals a commit of the branch.
///
/// Credentials in the URL (`https://user:token@host/repo.git`), or given apart, reach git only
/// through its environment: the URL git sees, stores in the clone and shows in `ps` has none,
/// and logs and errors show it redacted.
public struct GitSource: ManifestSource {
    /// The repository URL, without credentials.
    public let url: String
    /// Credentials for the remote: from the URL's user information, else as given.
    public let credentials: GitCredentials?
    public let branch: String
    /// The manifests directory inside the repository.
    public let manifests: String
    /// The controller's own checkout.
    public let root: URL

    /// - Parameters:
    ///   - checkouts: a directory of the controller's (beside its store); the clone goes into a
    ///     subdirectory named after the URL (without credentials), so changing the URL starts
    ///     afresh and changing the credentials does not.
    ///   - credentials: used when the URL holds none.
    public init(url: String, branch: String, path: String, checkouts: URL, credentials: GitCredentials? = nil) {
        let (bare, inURL) = GitCredentials.split(url)
        self.url = bare
        self.credentials = inURL ?? credentials
        self.branch = branch
        self.manifests = path
        self.root = checkouts.appendingPathComponent(String(SHA256.hex(of: Array(bare.utf8)).prefix(16)))
    }

    public var isAvailable: Bool { FileManager.default.fileExists(atPath: root.appendingPathComponent(".git").path) }
    public var description: String { "git \(Redaction.url(url)) branch \(branch)" }

    public func sync() throws {
        if !isAvailable {
            try FileManager.default.createDirectory(at: root.deletingLastPathComponent(), withIntermediateDirectories: true)
            // Clone into a temporary name and rename, so a clone cut short never looks complete.
            let partial = root.path + ".partial"
            try? FileManager.default.removeItem(atPath: partial)
            _ = try Git(directory: root.deletingLastPathComponent(), credentials: credentials)
                .run(["clone", "--quiet", "--no-checkout", "--single-branch", "--branch", branch, url, partial])
            try FileManager.default.moveItem(atPath: partial, toPath: root.path)
        }
        let git = Git(directory: root, credentials: credentials)
        _ = try git.run(["fetch", "--quiet", "--prune", "origin", "+refs/heads/\(branch):refs/remotes/origin/\(branch)"])
        _ = try git.run(["checkout", "--quiet", "--force", "--detach", "refs/remotes/origin/\(branch)"])
        _ = try git.run(["clean", "--quiet", "-ffdx"])
    }
}
