import Foundation
import GRDB
import SluiceCore
import SluiceReconcile

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
            for v in records.versions {
                try db.execute(sql: """
                    INSERT INTO versions (model, id, artifact_digest, inputs, manifest_digest, manifest_file, data_digest,
                        test_digest, metrics, evaluation, train_seconds, trained_at, revision, feedback_digest)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [v.model, v.id, v.artifactDigest, v.inputs.canonical(), v.manifestDigest, v.manifestFile, v.dataDigest,
                                     v.testDigest, JSON.object(v.metrics.mapValues(JSON.number)).canonical(), v.evaluation.canonical(),
                                     v.trainSeconds, v.trainedAt.timeIntervalSince1970, v.revision, v.feedbackDigest])
            }
            for v in records.verdicts {
                try db.execute(sql: """
                    INSERT INTO verdicts (model, version, gate_digest, gate, passed, summary, details, champion, evaluated_at, revision)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [v.model, v.version, v.gateDigest, v.gate.canonical(), v.passed, v.summary, v.details.canonical(),
                                     v.champion, v.evaluatedAt.timeIntervalSince1970, v.revision])
            }
            // Ids as they were (AUTOINCREMENT then continues after the highest).
            for p in records.publications {
                try db.execute(sql: """
                    INSERT INTO publications (id, model, version, target, artifact_digest, published_at, retired_at, revision, reason)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [p.id, p.model, p.version, p.deploy.json.canonical(), p.artifactDigest, p.publishedAt.timeIntervalSince1970,
                                     p.retiredAt?.timeIntervalSince1970, p.revision, p.reason])
            }
            for e in records.events { try Self.insert(e, db) }
            for c in records.conditions {
                try db.execute(sql: """
                    INSERT INTO conditions (model, condition, message, version, since, checked_at, revision) VALUES (?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [c.model, c.condition, c.message, c.version, c.since.timeIntervalSince1970,
                                     c.checkedAt.timeIntervalSince1970, c.revision])
            }
            for m in records.monitorStates {
                try db.execute(sql: """
                    INSERT INTO monitor_states (model, version, checked_at, problem, conditions, report, retrain) VALUES (?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [m.model, m.version, m.checkedAt.timeIntervalSince1970, m.problem,
                                     MonitorState.Tracked.text(m.conditions), m.report, m.retrain])
            }
            for f in records.feedbackSnapshots {
                let r = f.record
                try db.execute(sql: """
                    INSERT INTO feedback_snapshots (model, digest, base_version, spec_digest, served_version, trigger, train_rows, holdout_rows,
                        fresh_rows, created_at, revision, csv, dropped_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [r.model, r.digest, r.baseVersion, r.specDigest, r.servedVersion, r.trigger, r.trainRows, r.holdoutRows,
                                     r.freshRows, r.createdAt.timeIntervalSince1970, r.revision, Data(f.csv), r.droppedAt?.timeIntervalSince1970])
            }
        }
    }
}
