import Foundation

/// The git revision of the manifests, recorded on every version and publication.
public enum GitRevision {
    /// `HEAD`'s commit id when `directory` is inside a git work tree, otherwise `nil`; with
    /// `+dirty` when the revision alone does not hold what is being trained: the manifests have
    /// uncommitted changes, or a dataset file inside the same work tree is modified, untracked
    /// or ignored by git.
    /// - Parameters:
    ///   - directory: the manifests directory.
    ///   - data: the dataset files the manifests name (absolute); those outside the work tree
    ///     (and datasets fetched by URL, which are never passed) do not count.
    public static func current(of directory: URL, data: [URL] = []) -> String? {
        let git = Git(directory: directory)
        guard let head = try? git.run(["rev-parse", "HEAD"]), head.count >= 40 else { return nil }
        let status = (try? git.run(["status", "--porcelain", "--", "."])) ?? ""
        if !status.isEmpty { return head + "+dirty" }
        return dataIsDirty(git, data) ? head + "+dirty" : head
    }

    /// Whether any of `data` inside the work tree differs from `HEAD` (modified, staged,
    /// untracked, or ignored: git's revision does not hold the file).
    static func dataIsDirty(_ git: Git, _ data: [URL]) -> Bool {
        guard !data.isEmpty, let top = try? git.run(["rev-parse", "--show-toplevel"]), !top.isEmpty else { return false }
        let root = URL(fileURLWithPath: top).resolvingSymlinksInPath().path
        let inside = Set(data.map { $0.standardizedFileURL.resolvingSymlinksInPath().path })
            .filter { $0.hasPrefix(root + "/") }
            .map { String($0.dropFirst(root.count + 1)) }
            .sorted()
        guard !inside.isEmpty else { return false }
        // Pathspecs relative to the top level, taken literally (a file name may hold '*' or '[').
        let arguments = ["--literal-pathspecs", "-C", top, "status", "--porcelain", "--ignored", "--untracked-files=all", "--"] + inside
        guard let status = try? git.run(arguments) else { return true }  // cannot tell: do not claim clean
        return !status.isEmpty
    }
}
