import Foundation
import SluiceManifest
import SluiceSystem

/// Which models changed since a git revision: those whose manifest file, dataset or test file
/// differs between the revision and the work tree (committed or not, and new untracked files).
public struct ChangedModels: Sendable {
    /// Paths relative to the root that differ from the revision.
    public let paths: Set<String>
    public let revision: String

    /// Asks git what changed.
    /// - Throws: ``GateError`` when the root is not in a git work tree or the revision is unknown,
    ///   ``GitError`` when git fails.
    public static func since(_ revision: String, root: URL) throws -> ChangedModels {
        let git = Git(directory: root)
        guard (try? git.run(["rev-parse", "--is-inside-work-tree"])) == "true" else {
            throw GateError("--changed-since needs the root (\(root.path)) to be in a git work tree")
        }
        guard (try? git.run(["rev-parse", "--verify", "--quiet", "\(revision)^{commit}"])) != nil else {
            throw GateError("--changed-since \(revision): no such revision here; fetch it first (e.g. `git fetch origin \(revision)`) or name a branch or commit that exists")
        }
        let changed = try git.run(["diff", "--name-only", "--relative", "--no-renames", revision, "--"])
        let untracked = try git.run(["ls-files", "--others", "--exclude-standard"])
        let paths = (changed + "\n" + untracked).split(separator: "\n").map { String($0) }.filter { !$0.isEmpty }
        return ChangedModels(paths: Set(paths), revision: revision)
    }

    /// Why a model is gated, or `nil` when nothing it depends on changed.
    public func reason(_ m: Manifest) -> String? {
        if paths.contains(m.origin.file) { return "manifest \(m.origin.file) changed" }
        if paths.contains(normalised(m.dataset.source)) { return "dataset \(m.dataset.source) changed" }
        if let test = m.dataset.test, paths.contains(normalised(test)) { return "test file \(test) changed" }
        return nil
    }

    private func normalised(_ path: String) -> String {
        PosixFiles.join("", path).dropFirst().description
    }
}
