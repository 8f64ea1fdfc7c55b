import Foundation
import SluiceCore
import SluiceSystem

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

    /// Whether the artifact's file exists (not verified: ``get(_:)`` verifies).
    func contains(_ digest: String) -> Bool {
        access(file(digest), F_OK) == 0
    }

    /// Every artifact file, digest → size (temporary and foreign files left out).
    func list() throws -> [String: Int64] {
        var out: [String: Int64] = [:]
        let base = "\(path)/sha256"
        guard let prefixes = PosixFiles.entries(of: base) else { return [:] }
        for prefix in prefixes where prefix.isDirectory {
            for entry in PosixFiles.entries(of: "\(base)/\(prefix.name)") ?? [] where entry.name.hasSuffix(".json") && !entry.isDirectory {
                let digest = String(entry.name.dropLast(".json".count))
                guard digest.count == 64, digest.hasPrefix(prefix.name), digest.allSatisfy(\.isHexDigit) else { continue }
                var st = stat()
                if stat("\(base)/\(prefix.name)/\(entry.name)", &st) == 0 { out[digest] = Int64(st.st_size) }
            }
        }
        return out
    }

    /// Removes an artifact's file (and its prefix directory once empty).
    func remove(_ digest: String) throws {
        let target = file(digest)
        guard unlink(target) == 0 || errno == ENOENT else {
            throw StoreError("cannot remove \(target): \(String(cString: strerror(errno)))")
        }
        let directory = (target as NSString).deletingLastPathComponent
        AtomicFile.syncDirectory(directory)
        rmdir(directory)  // only when empty
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
