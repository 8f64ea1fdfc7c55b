import Foundation
import SluiceSystem
import SluiceCore
import SluiceLearn
#if canImport(Glibc)
import Glibc
#endif

/// The files of one published model (`model.json` and `metadata.json`, the layout a
/// `directory` target writes) and their identity on disk, so that a scan reloads only what
/// changed.
struct ModelFiles: Equatable {
    /// The directory, relative to the repository root.
    var path: String
    var model: FileIdentity?
    var metadata: FileIdentity?

    /// Device, inode, size and modification time: an atomic rename changes the inode, an
    /// in-place write the size or time.
    struct FileIdentity: Equatable {
        var device: UInt64
        var inode: UInt64
        var size: Int64
        var modified: Int64

        init?(_ path: String) {
            var st = stat()
            guard stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return nil }
            device = UInt64(st.st_dev)
            inode = UInt64(st.st_ino)
            size = Int64(st.st_size)
            modified = Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec)
        }
    }

    /// A loaded model, or why the files could not be loaded (and the model name, when known).
    enum Loaded {
        case model(ServedModel)
        case failed(name: String, reason: String)
    }

    /// Reads, checks and decodes the files in `root/path`.
    ///
    /// The artifact must hash to the `artifact.sha256` that `metadata.json` records; a reader
    /// racing a publish (new `model.json`, old `metadata.json`) sees a mismatch, so it reads
    /// again once after a short pause before giving up.
    static func load(root: String, path: String) -> Loaded {
        var outcome = loadOnce(root: root, path: path)
        if case .failed = outcome {
            usleep(50_000)
            outcome = loadOnce(root: root, path: path)
        }
        return outcome
    }

    private static func loadOnce(root: String, path: String) -> Loaded {
        let directory = path.isEmpty ? root : "\(root)/\(path)"
        let fallbackName = (path as NSString).lastPathComponent
        let metaBytes: [UInt8]
        do { metaBytes = try PosixFiles.read("\(directory)/metadata.json", limit: PosixFiles.metadataLimit) } catch {
            return .failed(name: fallbackName, reason: "\(path)/metadata.json \(error.isMissing ? "is missing" : "\(error)")")
        }
        let meta: JSON
        do { meta = try JSONParser.parse(metaBytes).value } catch {
            return .failed(name: fallbackName, reason: "\(path)/metadata.json is not valid JSON: \(error)")
        }
        guard let name = meta["model"]?.stringValue else {
            return .failed(name: fallbackName, reason: "\(path)/metadata.json has no \"model\" (the model's name)")
        }
        guard let digest = meta["artifact"]?["sha256"]?.stringValue else {
            return .failed(name: name, reason: "\(path)/metadata.json has no artifact.sha256")
        }
        let version = meta["version"]?.stringValue ?? "sha256:\(digest.prefix(12))"
        let bytes: [UInt8]
        do { bytes = try PosixFiles.read("\(directory)/model.json", limit: PosixFiles.artifactLimit) } catch {
            return .failed(name: name, reason: "\(path)/model.json \(error.isMissing ? "is missing" : "\(error)")")
        }
        let actual = SHA256.hex(of: bytes)
        guard actual == digest else {
            return .failed(name: name, reason: "\(path)/model.json has sha256 \(actual.prefix(12)), but metadata.json records \(digest.prefix(12)) (half-written or tampered with); not loaded")
        }
        do {
            let artifact = try ModelArtifact.decode(bytes, expectedDigest: digest)
            return .model(ServedModel(name: name, version: version, digest: digest, path: path, artifact: artifact))
        } catch {
            return .failed(name: name, reason: "\(path)/model.json cannot be loaded: \(error)")
        }
    }

    /// Every model directory below `root` (one holding `model.json` or `metadata.json`), at
    /// most `maxDepth` levels down, skipping hidden entries; and every directory visited, to watch.
    static func find(root: String, maxDepth: Int = 6) -> (models: [ModelFiles], directories: [String]) {
        var models: [ModelFiles] = []
        var directories: [String] = []
        var pending: [(String, Int)] = [("", 0)]
        while let (relative, depth) = pending.popLast() {
            let directory = relative.isEmpty ? root : "\(root)/\(relative)"
            guard let entries = PosixFiles.entries(of: directory) else { continue }
            directories.append(directory)
            var children: [String] = []
            var files = ModelFiles(path: relative, model: nil, metadata: nil)
            for entry in entries {
                if entry.name == "model.json" { files.model = FileIdentity("\(directory)/model.json") }
                else if entry.name == "metadata.json" { files.metadata = FileIdentity("\(directory)/metadata.json") }
                // The monitor's state (`sluice serve --monitor-dir`'s default) is not a model.
                else if entry.isDirectory, depth < maxDepth, !(depth == 0 && entry.name == MonitorOptions.defaultDirectoryName) { children.append(relative.isEmpty ? entry.name : "\(relative)/\(entry.name)") }
            }
            if files.model != nil || files.metadata != nil {
                models.append(files)  // a model directory: nothing below it is another model
            } else {
                pending.append(contentsOf: children.map { ($0, depth + 1) })
            }
        }
        return (models.sorted { $0.path < $1.path }, directories)
    }
}
