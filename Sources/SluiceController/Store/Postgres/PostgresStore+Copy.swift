import Foundation
import SluiceCore
import SluiceReconcile

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
            for v in records.versions {
                try s.exec("""
                    INSERT INTO versions (model, id, artifact_digest, inputs, manifest_digest, manifest_file, data_digest,
                        test_digest, metrics, evaluation, train_seconds, trained_at, revision, feedback_digest)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
                    """, [.text(v.model), .text(v.id), .text(v.artifactDigest), .text(v.inputs.canonical()), .text(v.manifestDigest),
                          .text(v.manifestFile), .text(v.dataDigest), .string(v.testDigest),
                          .text(JSON.object(v.metrics.mapValues(JSON.number)).canonical()), .text(v.evaluation.canonical()),
                          .double(v.trainSeconds), .date(v.trainedAt), .string(v.revision), .string(v.feedbackDigest)])
            }
            for v in records.verdicts {
                try s.exec("""
                    INSERT INTO verdicts (model, version, gate_digest, gate, passed, summary, details, champion, evaluated_at, revision)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                    """, [.text(v.model), .text(v.version), .text(v.gateDigest), .text(v.gate.canonical()), .bool(v.passed), .text(v.summary),
                          .text(v.details.canonical()), .string(v.champion), .date(v.evaluatedAt), .string(v.revision)])
            }
            // Ids as they were; the sequence then continues after the highest.
            for p in records.publications {
                try s.exec("""
                    INSERT INTO publications (id, model, version, target, artifact_digest, published_at, retired_at, revision, reason)
                    VALUES (COALESCE($1::bigint, nextval(pg_get_serial_sequence('publications', 'id'))), $2, $3, $4, $5, $6, $7, $8, $9)
                    """, [.int(p.id), .text(p.model), .text(p.version), .text(p.deploy.json.canonical()), .text(p.artifactDigest),
                          .date(p.publishedAt), .date(p.retiredAt), .string(p.revision), .text(p.reason)])
            }
            if !records.publications.isEmpty {
                try s.exec("SELECT setval(pg_get_serial_sequence('publications', 'id'), (SELECT MAX(id) FROM publications))")
            }
            for e in records.events { try Self.insert(e, s) }
            for c in records.conditions {
                try s.exec("""
                    INSERT INTO conditions (model, condition, message, version, since, checked_at, revision) VALUES ($1, $2, $3, $4, $5, $6, $7)
                    """, [.text(c.model), .text(c.condition), .text(c.message), .string(c.version), .date(c.since),
                          .date(c.checkedAt), .string(c.revision)])
            }
            for m in records.monitorStates {
                try s.exec("""
                    INSERT INTO monitor_states (model, version, checked_at, problem, conditions, report, retrain) VALUES ($1, $2, $3, $4, $5, $6, $7)
                    """, [.text(m.model), .string(m.version), .date(m.checkedAt), .string(m.problem),
                          .text(MonitorState.Tracked.text(m.conditions)), .string(m.report), .string(m.retrain)])
            }
            for f in records.feedbackSnapshots {
                let r = f.record
                try s.exec("""
                    INSERT INTO feedback_snapshots (model, digest, base_version, spec_digest, served_version, "trigger", train_rows, holdout_rows,
                        fresh_rows, created_at, revision, csv, dropped_at)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
                    """, [.text(r.model), .text(r.digest), .text(r.baseVersion), .text(r.specDigest), .text(r.servedVersion), .text(r.trigger),
                          .int(r.trainRows), .int(r.holdoutRows), .int(r.freshRows), .date(r.createdAt), .string(r.revision),
                          .bytes(f.csv), .date(r.droppedAt)])
            }
        }
    }
}
