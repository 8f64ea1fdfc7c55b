import Foundation
import SluiceCore

/// Artifacts as rows of `artifacts` (`bytea`), content-addressed and checked on every read.
extension PostgresStore {
    /// Stores `bytes` under their SHA-256 (the same bytes again change nothing), after the
    /// writer-lease check every write makes.
    public func putArtifact(_ bytes: [UInt8]) throws -> String {
        let digest = SHA256.hex(of: bytes)
        try write { s in
            try s.exec("INSERT INTO artifacts (digest, size, bytes) VALUES ($1, $2, $3) ON CONFLICT (digest) DO NOTHING",
                       [.text(digest), .int(bytes.count), .bytes(bytes)])
        }
        return digest
    }

    public func artifact(_ digest: String) throws -> [UInt8] {
        guard let row = try read("SELECT bytes FROM artifacts WHERE digest = $1", [.text(digest)]).first else {
            throw StoreError("artifact \(digest.prefix(12)) is missing from the store (\(label)); it will be retrained if still desired")
        }
        let bytes = try row.bytes("bytes")
        let actual = SHA256.hex(of: bytes)
        guard actual == digest else {
            throw StoreError("artifact \(digest.prefix(12)) in the store \(label) is corrupt: its sha256 is \(actual), expected \(digest); remove it (`sluice gc`) and it will be retrained")
        }
        return bytes
    }

    public func hasArtifact(_ digest: String) -> Bool {
        (try? read("SELECT 1 AS found FROM artifacts WHERE digest = $1", [.text(digest)]).isEmpty == false) ?? false
    }

    /// One query for every digest (an array parameter), not one per digest.
    public func heldArtifacts(among digests: Set<String>) throws -> Set<String> {
        guard !digests.isEmpty else { return [] }
        return Set(try read("SELECT digest FROM artifacts WHERE digest = ANY($1::text[])", [.array(Array(digests))])
            .map { try $0.string("digest") })
    }

    public func storedArtifacts() throws -> [String: Int64] {
        var out: [String: Int64] = [:]
        for r in try read("SELECT digest, size FROM artifacts") { out[try r.string("digest")] = try r.int64("size") }
        return out
    }

    /// Removes an artifact, after the writer-lease check every write makes.
    public func removeArtifact(_ digest: String) throws {
        try write { s in try s.exec("DELETE FROM artifacts WHERE digest = $1", [.text(digest)]) }
    }
}
