import Foundation
import SluiceCore
import SluiceReconcile

/// Publishes `<path>/model.json` and `<path>/metadata.json`, each written atomically.
///
/// `model.json` is written first: a reader that checks the artifact against the digest in
/// `metadata.json` never accepts a mix of old metadata and new model.
public struct DirectoryTarget: DeployTarget {
    public let path: String
    /// The path as the manifest wrote it, for messages.
    public let display: String
    let digester: FileDigester

    public var modelFile: String { "\(path)/model.json" }
    public var metadataFile: String { "\(path)/metadata.json" }

    public func observe(expectedDigest: String) throws -> TargetObservation {
        let actual: String?
        do { actual = try digester.digest(modelFile) } catch {
            return .drifted("\(display)/model.json is unreadable: \(error)")
        }
        guard let actual else { return .drifted("\(display)/model.json is missing") }
        guard actual == expectedDigest else {
            return .drifted("\(display)/model.json was changed (sha256 \(actual.prefix(12)), expected \(expectedDigest.prefix(12)))")
        }
        guard FileManager.default.fileExists(atPath: metadataFile) else { return .drifted("\(display)/metadata.json is missing") }
        return .matches
    }

    public func publish(artifact: [UInt8], metadata: [UInt8]) throws {
        try AtomicFile.makeDirectory(path)
        guard access(path, W_OK) == 0 else {
            throw TargetError("deploy path \(display) is not writable; fix its permissions or choose another path")
        }
        try AtomicFile.write(artifact, to: modelFile)
        try AtomicFile.write(metadata, to: metadataFile)
    }

    public func retire() throws {
        for file in [metadataFile, modelFile] {
            if unlink(file) != 0 && errno != ENOENT {
                throw TargetError("cannot remove \(file): \(String(cString: strerror(errno)))")
            }
        }
        AtomicFile.syncDirectory(path)
        // Remove the directory when nothing else is in it.
        rmdir(path)
    }
}
