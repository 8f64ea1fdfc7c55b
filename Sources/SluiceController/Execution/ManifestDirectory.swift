import Foundation
import SluiceManifest

/// Reads every `*.json` file below a manifests directory (recursively, hidden entries skipped,
/// in path order).
public enum ManifestDirectory {
    /// Loads and decodes the manifests.
    /// - Parameters:
    ///   - root: the repository root; file names in messages are relative to it.
    ///   - directory: the manifests directory, relative to `root` or absolute.
    /// - Returns: the manifest set; a missing or unreadable directory is an error in the set
    ///   (so nothing is retired because of it).
    public static func load(root: URL, directory: String) -> ManifestSet {
        let rootPath = root.standardizedFileURL.path
        let base = directory.hasPrefix("/") ? URL(fileURLWithPath: directory).standardizedFileURL.path
            : root.appendingPathComponent(directory).standardizedFileURL.path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: base, isDirectory: &isDirectory), isDirectory.boolValue else {
            return ManifestSet(errors: [ManifestError(file: directory, position: nil, path: "",
                message: "the manifests directory does not exist (looked for \(base)); create it or pass --manifests")])
        }
        let prefix = base.hasPrefix(rootPath + "/") ? String(base.dropFirst(rootPath.count + 1)) + "/" : base + "/"
        var files: [(path: String, bytes: [UInt8])] = []
        var errors: [ManifestError] = []
        for relative in PosixFiles.walk(base, suffix: ".json") {
            let display = prefix + relative
            guard let bytes = PosixFiles.contents(base + "/" + relative) else {
                errors.append(ManifestError(file: display, position: nil, path: "", message: "cannot read the file"))
                continue
            }
            files.append((display, bytes))
        }
        var set = ManifestSet.assemble(files)
        set.errors = errors + set.errors
        return set
    }
}
