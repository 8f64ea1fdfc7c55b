import Foundation

/// Records written as another store held them (`sluice store copy`).
extension PostgresStore {
    public func importRecords(_ records: StoreRecords) throws {
        for snapshot in records.feedbackSnapshots { try snapshot.record.check(snapshot.csv) }
        try write { s in
            // Serialises with writers that do not hold the writer lease (the lease row is only share-locked).
            try s.exec("LOCK TABLE versions, verdicts, publications, events, conditions, monitor_states, feedback_snapshots IN EXCLUSIVE MODE")
            let held = try s.exec("""
                SELECT EXISTS (SELECT 1 FROM versions) OR EXISTS (SELECT 1 FROM verdicts) OR EXISTS (SELECT 1 FROM publications)
                    OR EXISTS (SELECT 1 FROM events) OR EXISTS (SELECT 1 FROM conditions) OR EXISTS (SELECT 1 FROM monitor_states)
                    OR EXISTS (SELECT 1 FROM feedback_snapshots) AS held
                """).rows.first?.bool("held") ?? false
            guard !held else {
                throw StoreError("the store \(label) already holds model records; records are imported only into an empty store")
            }
            // Into an empty store, each record kind's own statement writes it as it was.
            for v in records.versions { try Self.upsert(v, s) }
            for v in records.verdicts { try Self.upsert(v, s) }
            // Ids as they were; the sequence then continues after the highest.
            for p in records.publications {
                try s.exec("""
                    INSERT INTO publications (id, model, version, target, artifact_digest, published_at, retired_at, revision, reason)
                    VALUES (COALESCE($1::bigint, nextval(pg_get_serial_sequence('publications', 'id'))), $2, $3, $4, $5, $6, $7, $8, $9)
                    """, [.int(p.id), .text(p.model), .text(p.version), .text(p.targetJSON.canonical()), .text(p.artifactDigest),
                          .date(p.publishedAt), .date(p.retiredAt), .string(p.revision), .text(p.reason)])
            }
            if !records.publications.isEmpty {
                try s.exec("SELECT setval(pg_get_serial_sequence('publications', 'id'), (SELECT MAX(id) FROM publications))")
            }
            for e in records.events { try Self.insert(e, s) }
            for batch in Self.distinctModelBatches(records.conditions) { try Self.upsert(batch, s) }
            for m in records.monitorStates { try Self.upsert(m, s) }
            for f in records.feedbackSnapshots { _ = try Self.insert(f.record, csv: f.csv, s) }
        }
    }
}
