import Foundation
import SluiceManifest
import SluiceSystem

/// Reads every `*.json` file below a manifests directory (recursively, hidden entries skipped,
/// in path order).
public enum ManifestDirectory {
    /// Loads and decodes the manifests.
    ///
    /// Anything that keeps a file from being seen or read is an error in the set, so nothing is
    /// retired in that run: a missing or unreadable directory, an entry that cannot be examined
    /// (a dangling link, a failing `stat`), a link loop, a `*.json` that is not a regular file or
    /// is larger than ``PosixFiles/manifestLimit``, a `*.yaml`/`*.yml` file (not read), and a
    /// directory with no manifest at all unless `allowEmpty`.
    /// - Parameters:
    ///   - root: the repository root; file names in messages are relative to it.
    ///   - directory: the manifests directory, relative to `root` or absolute.
    ///   - allowEmpty: whether a directory without manifests is intended (`--allow-empty`).
    /// - Returns: the manifest set, with every problem as an error naming the path.
    public static func load(root: URL, directory: String, allowEmpty: Bool = false) -> ManifestSet {
        let rootPath = root.standardizedFileURL.path
        let base = PosixFiles.join(rootPath, directory)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: base, isDirectory: &isDirectory), isDirectory.boolValue else {
            let error = ManifestError(file: directory, position: nil, path: "",
                message: "the manifests directory does not exist (looked for \(base)); create it or pass --manifests")
            var set = ManifestSet(errors: [error])
            set.unreadable = error.description
            return set
        }
        let prefix = base.hasPrefix(rootPath + "/") ? String(base.dropFirst(rootPath.count + 1)) + "/" : base + "/"
        func display(_ relative: String) -> String { relative.isEmpty ? String(prefix.dropLast()) : prefix + relative }
        let walk = ManifestWalk(base, suffix: ".json", notRead: [".yaml", ".yml"])
        var errors = walk.problems.map { ManifestError(file: display($0.path), position: nil, path: "", message: $0.message) }
        errors += walk.otherFormats.map { path in
            ManifestError(file: display(path), position: nil, path: "",
                          message: "is not read: manifests are JSON files (*.json) only, so that one strict format with exact error positions is what gets deployed. Convert it to JSON (e.g. yq -o=json) or move it out of the manifests directory")
        }
        var files: [(path: String, bytes: [UInt8])] = []
        for relative in walk.files {
            do {
                files.append((display(relative), try PosixFiles.read(base + "/" + relative, limit: PosixFiles.manifestLimit)))
            } catch {
                errors.append(ManifestError(file: display(relative), position: nil, path: "", message: "\(error)"))
            }
        }
        var set = ManifestSet.assemble(files)
        set.errors = errors + set.errors
        if set.files.isEmpty, set.errors.isEmpty, !allowEmpty {
            set.errors = [ManifestError(file: display(""), position: nil, path: "",
                message: "holds no manifest (*.json) file, so there is nothing to reconcile. Add a manifest, check --root and --manifests, or pass --allow-empty if every published model should be retired")]
            set.unreadable = set.errors[0].description
        }
        return set
    }
}
