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
        let base = directory.hasPrefix("/") ? URL(fileURLWithPath: directory) : root.appendingPathComponent(directory)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: base.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            return ManifestSet(errors: [ManifestError(file: directory, position: nil, path: "",
                message: "the manifests directory does not exist (looked for \(base.path)); create it or pass --manifests")])
        }
        var files: [(String, [UInt8])] = []
        var errors: [ManifestError] = []
        let rootPath = root.standardizedFileURL.path
        let paths = (FileManager.default.enumerator(at: base, includingPropertiesForKeys: nil, options: [.skipsHiddenFiles])?
            .compactMap { ($0 as? URL)?.standardizedFileURL.path } ?? [])
            .filter { $0.hasSuffix(".json") }
            .sorted()
        for path in paths {
            let display = path.hasPrefix(rootPath + "/") ? String(path.dropFirst(rootPath.count + 1)) : path
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue else { continue }
            guard let data = FileManager.default.contents(atPath: path) else {
                errors.append(ManifestError(file: display, position: nil, path: "", message: "cannot read the file"))
                continue
            }
            files.append((display, [UInt8](data)))
        }
        var set = ManifestSet.assemble(files.map { (path: $0.0, bytes: $0.1) })
        set.errors = errors + set.errors
        return set
    }
}
