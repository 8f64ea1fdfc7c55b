import Foundation
import GRDB

/// Records written as another store held them (`sluice store copy`).
extension SQLiteStore {
    public func importRecords(_ records: StoreRecords) throws {
        for snapshot in records.feedbackSnapshots { try snapshot.record.check(snapshot.csv) }
        try write { db in
            let held = try Bool.fetchOne(db, sql: """
                SELECT EXISTS (SELECT 1 FROM versions) OR EXISTS (SELECT 1 FROM verdicts) OR EXISTS (SELECT 1 FROM publications)
                    OR EXISTS (SELECT 1 FROM events) OR EXISTS (SELECT 1 FROM conditions) OR EXISTS (SELECT 1 FROM monitor_states)
                    OR EXISTS (SELECT 1 FROM feedback_snapshots)
                """) ?? false
            guard !held else {
                throw StoreError("the store \(path) already holds model records; records are imported only into an empty store")
            }
            // Into an empty store, each record kind's own statement writes it as it was.
            for v in records.versions { try Self.upsert(v, db) }
            for v in records.verdicts { try Self.upsert(v, db) }
            // Ids as they were (AUTOINCREMENT then continues after the highest).
            for p in records.publications {
                try db.execute(sql: """
                    INSERT INTO publications (id, model, version, target, artifact_digest, published_at, retired_at, revision, reason)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [p.id, p.model, p.version, p.targetJSON.canonical(), p.artifactDigest, p.publishedAt.timeIntervalSince1970,
                                     p.retiredAt?.timeIntervalSince1970, p.revision, p.reason])
            }
            for e in records.events { try Self.insert(e, db) }
            for c in records.conditions { try Self.upsert(c, db) }
            for m in records.monitorStates { try Self.upsert(m, db) }
            for f in records.feedbackSnapshots { try Self.insert(f.record, csv: f.csv, db) }
        }
    }
}
