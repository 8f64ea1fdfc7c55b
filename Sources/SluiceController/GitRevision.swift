import Foundation

/// The git revision of the manifests, recorded on every version and publication.
public enum GitRevision {
    /// `HEAD`'s commit id when `directory` is inside a git work tree (with `+dirty` when the
    /// manifests have uncommitted changes), otherwise `nil`.
    public static func current(of directory: URL) -> String? {
        let git = Git(directory: directory)
        guard let head = try? git.run(["rev-parse", "HEAD"]), head.count >= 40 else { return nil }
        let status = (try? git.run(["status", "--porcelain", "--", "."])) ?? ""
        return status.isEmpty ? head : head + "+dirty"
    }
}
