import Foundation
import SluiceCore
import SluiceReconcile
import SluiceSystem

/// Publishes `<path>/model.json` and `<path>/metadata.json`, each written atomically, and
/// `<path>/model.onnx` when `spec.deploy.formats` lists it.
///
/// `model.json` (and `model.onnx`) are written first: a reader that checks them against the
/// digests in `metadata.json` never accepts a mix of old metadata and new model.
public struct DirectoryTarget: DeployTarget {
    public let path: String
    /// The path as the manifest wrote it, for messages.
    public let display: String
    let digester: FileDigester

    public var modelFile: String { "\(path)/model.json" }
    public var metadataFile: String { "\(path)/metadata.json" }

    /// Both files: `model.json` must hash to the published digest, and `metadata.json` must be
    /// a JSON object naming the model, the version and that digest (what `sluice serve` loads
    /// the model by). Anything else is drift, repaired by publishing both files again.
    public func observe(_ expected: ExpectedContent) throws -> TargetObservation {
        let actual: String?
        do { actual = try digester.digest(modelFile) } catch {
            return .drifted("\(display)/model.json is unreadable: \(error)")
        }
        guard let actual else { return .drifted("\(display)/model.json is missing") }
        guard actual == expected.artifactDigest else {
            return .drifted("\(display)/model.json was changed (sha256 \(actual.prefix(12)), expected \(expected.artifactDigest.prefix(12)))")
        }
        let metadata = readMetadata()
        let observation = DirectoryTarget.check(metadata: metadata, expected, file: "\(display)/metadata.json")
        guard observation == .matches, case .success(let bytes?) = metadata, let json = try? JSONParser.parse(bytes).value else { return observation }
        return PublishedFile.check(metadata: json, expected: expected, display: display) { name in
            try digester.digest("\(path)/\(name)")
        }
    }

    /// `metadata.json`'s bytes, `nil` when it is missing; an error text when it cannot be read.
    private func readMetadata() -> Result<[UInt8]?, TargetError> {
        do {
            return .success(try PosixFiles.read(metadataFile, limit: PosixFiles.metadataLimit))
        } catch {
            if error.isMissing { return .success(nil) }
            return .failure(TargetError("\(error)"))
        }
    }

    /// Whether a `metadata.json` (read as `metadata`) describes the expected publication.
    static func check(metadata: Result<[UInt8]?, TargetError>, _ expected: ExpectedContent, file: String) -> TargetObservation {
        let bytes: [UInt8]
        switch metadata {
        case .failure(let error): return .drifted("\(file) is unreadable: \(error)")
        case .success(nil): return .drifted("\(file) is missing")
        case .success(let read?): bytes = read
        }
        guard let json = try? JSONParser.parse(bytes).value, json.objectValue != nil else {
            return .drifted("\(file) was changed: it is not a JSON object")
        }
        let checks: [(field: String, found: JSON?, want: String)] = [
            ("model", json["model"], expected.model),
            ("version", json["version"], expected.version),
            ("artifact.sha256", json["artifact"]?["sha256"], expected.artifactDigest),
        ]
        for check in checks where check.found?.stringValue != check.want {
            let found = check.found.map { String($0.canonical().prefix(80)) } ?? "nothing"
            return .drifted("\(file) was changed: \(check.field) is \(found), expected \"\(check.want)\"")
        }
        return .matches
    }

    public func publish(artifact: [UInt8], metadata: [UInt8], files: [PublishedFile], fence: WriteFence) throws {
        try AtomicFile.makeDirectory(path)
        guard access(path, W_OK) == 0 else {
            throw TargetError("deploy path \(display) is not writable; fix its permissions or choose another path")
        }
        // Both files are written and flushed first, so that the fence is checked right before
        // the renames, after the slow part.
        let extras = try files.map { try AtomicFile.stage($0.bytes, for: "\(path)/\($0.name)") }
        let model = try AtomicFile.stage(artifact, for: modelFile)
        let meta = try AtomicFile.stage(metadata, for: metadataFile)
        try fence()
        for extra in extras { try extra.commit() }
        try model.commit()
        try meta.commit()
        // A format no longer published: its file goes, after the metadata that no longer names it.
        for format in PublishedFile.extraFormats where !files.contains(where: { $0.format == format }) {
            let file = "\(path)/\(format.file)"
            if unlink(file) != 0 && errno != ENOENT {
                throw TargetError("cannot remove \(display)/\(format.file), which is no longer published: \(String(cString: strerror(errno)))")
            }
        }
    }

    /// Finds the nearest existing directory on the way to `path` and creates (then removes) a
    /// probe file in it: the only reliable test of writability, also for root.
    public func preflight() throws {
        var current = path
        while true {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: current, isDirectory: &isDirectory) {
                guard isDirectory.boolValue else {
                    throw TargetError("deploy path \(display): \(current) is a file, not a directory; move it or choose another deploy path")
                }
                break
            }
            let parent = (current as NSString).deletingLastPathComponent
            if parent == current || parent.isEmpty { break }
            current = parent
        }
        let probe = "\(current)/.sluice-probe-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(probe, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw TargetError("deploy path \(display) cannot be written (\(current): \(String(cString: strerror(errno)))); fix its permissions or choose another path")
        }
        close(fd)
        unlink(probe)
    }

    public func retire(fence: WriteFence) throws {
        try fence()
        for file in [metadataFile, modelFile] + PublishedFile.extraFormats.map({ "\(path)/\($0.file)" }) {
            if unlink(file) != 0 && errno != ENOENT {
                throw TargetError("cannot remove \(file): \(String(cString: strerror(errno)))")
            }
        }
        AtomicFile.syncDirectory(path)
        // Remove the directory when nothing else is in it.
        rmdir(path)
    }
}
