import Foundation
import SluiceCore

/// `sluice store copy`: copies every record and artifact of one store into another (SQLite to
/// PostgreSQL, or back), into a store that holds no model records yet.
///
/// Artifacts go first, one at a time (content-addressed: writing one again changes nothing), then
/// every record in one transaction (``Store/importRecords(_:)``). A copy killed midway leaves the
/// destination with some artifacts and no records, and running it again finishes it; a copy run
/// again after it finished finds the destination holding the same records and changes nothing.
/// The caller holds the destination's writer lease; the source is only read.
public enum StoreCopy {
    /// What a copy carried.
    public struct Summary: Sendable, Equatable {
        /// The source's records (the destination's, now).
        public var records: StoreRecords
        /// Every artifact of the source: digest → size in bytes, each verified in the destination.
        public var artifacts: [String: Int64]
        /// How many artifacts the destination did not hold before.
        public var artifactsCopied: Int
        /// Whether the records were written; `false` when the destination held the same already.
        public var recordsCopied: Bool

        /// The artifacts' bytes in all.
        public var artifactBytes: Int64 { artifacts.values.reduce(0, +) }
    }

    /// Copies `source` into `destination`, then checks the destination against the source: the
    /// same records, and every artifact's bytes read back under their SHA-256.
    /// - Parameters:
    ///   - sourceLabel, destinationLabel: the stores' URLs (without passwords), for messages.
    ///   - now: the time a lease on the source is judged live at.
    /// - Throws: ``StoreError`` when the destination holds other records (nothing is written), a
    ///   live process holds the source's writer lease or the source changed during the copy (no
    ///   record is written), or a store cannot be read or written.
    public static func run(from source: any Store, to destination: any Store, sourceLabel: String, destinationLabel: String,
                           now: Date = Date()) throws -> Summary {
        try checkQuiet(source, label: sourceLabel, now: now)
        let records = try StoreRecords.read(from: source)
        let held = try StoreRecords.read(from: destination)
        let same = held == records
        if !held.isEmpty, !same {
            throw StoreError(refusal(destinationLabel, holds: held, sourceLabel: sourceLabel))
        }
        let artifacts = try source.storedArtifacts()
        var copied = 0
        // Which the destination holds already (a copy killed part-way), asked at once.
        let present = try destination.heldArtifacts(among: Set(artifacts.keys))
        for digest in artifacts.keys.sorted() where !present.contains(digest) {
            let stored = try destination.putArtifact(try source.artifact(digest))
            guard stored == digest else {
                throw StoreError("artifact \(digest.prefix(12)) of \(sourceLabel) was stored in \(destinationLabel) as \(stored.prefix(12)); the copy stopped, no record was copied")
            }
            copied += 1
        }
        if !same {
            guard try StoreRecords.read(from: source) == records else {
                throw StoreError("the store \(sourceLabel) changed while it was copied (a process wrote to it); no record was copied to \(destinationLabel): stop what writes to \(sourceLabel) and copy again")
            }
            try destination.importRecords(records)
        }
        for digest in artifacts.keys.sorted() { _ = try destination.artifact(digest) }
        guard try StoreRecords.read(from: destination) == records else {
            throw StoreError("after the copy, the records of \(destinationLabel) differ from those of \(sourceLabel); do not use \(destinationLabel), and report this")
        }
        return Summary(records: records, artifacts: artifacts, artifactsCopied: copied, recordsCopied: !same)
    }

    /// Refuses a source whose writer lease a live process holds: it may write while it is read.
    static func checkQuiet(_ source: any Store, label: String, now: Date) throws {
        guard let holder = try source.leaseHolder(), holder.expiresAt > now else { return }
        guard holder.host != LeaseHolder.hostName || LeaseHolder.processExists(holder.pid) else { return }
        throw StoreError("the store \(label) is in use (its writer lease is held by \(holder)); stop that process, then copy again, so that the copy is the store at one moment")
    }

    /// Why a destination holding other records is refused, naming what it holds.
    static func refusal(_ label: String, holds held: StoreRecords, sourceLabel: String) -> String {
        let models = held.models
        let names = models.prefix(5).joined(separator: ", ") + (models.count > 5 ? ", …" : "")
        let counts = held.counts.dropFirst().filter { $0.count > 0 }.map { StoreRecords.words($0.count, $0.noun) }.joined(separator: ", ")
        return "the store \(label) already holds records of \(StoreRecords.words(models.count, "model")) (\(names): \(counts)) that are not those of \(sourceLabel); "
            + "nothing was copied. Copy into an empty store: a new database (createdb) or a new sqlite: file"
    }
}
