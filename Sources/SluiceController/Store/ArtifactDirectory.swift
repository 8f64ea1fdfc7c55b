import Foundation
import SluiceCore

/// Artifacts stored by their SHA-256 (`<dir>/sha256/ab/abcdef….json`), written atomically and
/// verified on every read.
struct ArtifactDirectory: Sendable {
    let path: String

    func file(_ digest: String) -> String {
        "\(path)/sha256/\(digest.prefix(2))/\(digest).json"
    }

    func put(_ bytes: [UInt8]) throws -> String {
        let digest = SHA256.hex(of: bytes)
        let target = file(digest)
        if FileManager.default.fileExists(atPath: target), (try? get(digest)) != nil { return digest }
        try AtomicFile.write(bytes, to: target)
        return digest
    }

    func get(_ digest: String) throws -> [UInt8] {
        let target = file(digest)
        let bytes: [UInt8]
        do { bytes = try PosixFiles.read(target, limit: PosixFiles.artifactLimit) } catch {
            if error.isMissing {
                throw StoreError("artifact \(digest.prefix(12)) is missing from the store (\(target)); it will be retrained if still desired")
            }
            throw StoreError("artifact \(target) \(error); delete it and it will be retrained")
        }
        let actual = SHA256.hex(of: bytes)
        guard actual == digest else {
            throw StoreError("artifact \(target) is corrupt: its sha256 is \(actual), expected \(digest); delete it and it will be retrained")
        }
        return bytes
    }
}
