import Foundation
import SluiceCore

/// Feedback snapshots with their CSV bytes (`bytea`), as in ``SQLiteStore``.
extension PostgresStore {
    public func recordFeedbackSnapshot(_ snapshot: FeedbackSnapshotRecord, csv: [UInt8], events: [EventRecord]) throws {
        try snapshot.check(csv)
        try write(models: [snapshot.model]) { s in
            // The same model and digest again changes nothing, its events included.
            guard try Self.insert(snapshot, csv: csv, s) else { return }
            for e in events { try Self.insert(e, s) }
        }
    }

    /// Writes a snapshot with its bytes, inside a write, unless the model has one of that digest.
    /// - Returns: whether it was written.
    static func insert(_ snapshot: FeedbackSnapshotRecord, csv: [UInt8], _ s: PGSession) throws -> Bool {
        try s.exec("""
            INSERT INTO feedback_snapshots (model, digest, base_version, spec_digest, served_version, "trigger", train_rows, holdout_rows,
                fresh_rows, created_at, revision, csv, dropped_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
            ON CONFLICT (model, digest) DO NOTHING
            """, [.text(snapshot.model), .text(snapshot.digest), .text(snapshot.baseVersion), .text(snapshot.specDigest),
                  .text(snapshot.servedVersion), .text(snapshot.trigger), .int(snapshot.trainRows), .int(snapshot.holdoutRows),
                  .int(snapshot.freshRows), .date(snapshot.createdAt), .string(snapshot.revision), .bytes(csv), .date(snapshot.droppedAt)]).changed == 1
    }

    public func feedbackSnapshots(model: String?) throws -> [FeedbackSnapshotRecord] {
        let columns = #"model, digest, base_version, spec_digest, served_version, "trigger", train_rows, holdout_rows, fresh_rows, created_at, revision, dropped_at"#
        let rows = if let model {
            try read("SELECT \(columns) FROM feedback_snapshots WHERE model = $1 ORDER BY seq", [.text(model)])
        } else {
            try read("SELECT \(columns) FROM feedback_snapshots ORDER BY seq")
        }
        return try rows.map { r in
            FeedbackSnapshotRecord(model: try r.string("model"), digest: try r.string("digest"), baseVersion: try r.string("base_version"),
                                   specDigest: try r.string("spec_digest"), servedVersion: try r.string("served_version"),
                                   trigger: try r.string("trigger"), trainRows: try r.int("train_rows"), holdoutRows: try r.int("holdout_rows"),
                                   freshRows: try r.int("fresh_rows"), createdAt: try r.date("created_at"),
                                   revision: try r.optionalString("revision"), droppedAt: try r.optionalDate("dropped_at"))
        }
    }

    public func dropFeedbackSnapshot(model: String, digest: String, at: Date, event: EventRecord) throws {
        var known = true
        try write(models: [model]) { s in
            guard let row = try s.exec("SELECT dropped_at FROM feedback_snapshots WHERE model = $1 AND digest = $2 FOR UPDATE",
                                       [.text(model), .text(digest)]).rows.first else {
                known = false
                return
            }
            guard try row.optionalDouble("dropped_at") == nil else { return }
            try s.exec("UPDATE feedback_snapshots SET dropped_at = $1 WHERE model = $2 AND digest = $3", [.date(at), .text(model), .text(digest)])
            try Self.insert(event, s)
        }
        guard known else { throw StoreError("the store \(label) has no feedback snapshot \(digest.prefix(8))… of \(model); nothing was dropped") }
    }

    public func feedbackSnapshot(model: String, digest: String) throws -> [UInt8] {
        guard let row = try read("SELECT csv FROM feedback_snapshots WHERE model = $1 AND digest = $2", [.text(model), .text(digest)]).first else {
            throw StoreError("the store \(label) has no feedback snapshot \(digest.prefix(8))… of \(model)")
        }
        let csv = try row.bytes("csv")
        guard SHA256.hex(of: csv) == digest else {
            throw StoreError("feedback snapshot \(digest.prefix(8))… of \(model) in \(label) does not match its digest; the store is damaged")
        }
        return csv
    }
}
