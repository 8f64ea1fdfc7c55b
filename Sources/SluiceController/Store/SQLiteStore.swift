import Foundation
#if canImport(Glibc)
import Glibc
#endif
import GRDB
import Synchronization
import SluiceCore
import SluiceManifest
import SluiceReconcile

/// The default store: a SQLite file (WAL mode, so `status` can read while `apply` writes) with
/// artifacts kept content-addressed in an `artifacts/` directory beside it.
public final class SQLiteStore: Store, @unchecked Sendable {
    // GRDB's DatabasePool is thread-safe; the other properties are immutable.
    private let pool: DatabasePool
    /// The database file.
    public let path: String
    private let artifacts: ArtifactDirectory
    private let fenceToken = Mutex<String?>(nil)

    /// Opens (creating if needed) the store at `path` and brings its schema up to date.
    /// - Parameter readOnly: open an existing store for reading only, never creating it (the
    ///   read-only commands: `plan`, `status`, `history`, `predict`); an older schema is still
    ///   brought up to date first.
    /// - Throws: ``StoreError`` when the file is not a SQLite database or cannot be created, and
    ///   ``StoreMissing`` when `readOnly` and there is no store at `path`.
    public init(path: String, readOnly: Bool = false) throws {
        self.path = path
        let directory = (path as NSString).deletingLastPathComponent
        if readOnly {
            guard FileManager.default.fileExists(atPath: path) else { throw StoreMissing(path: path) }
            var config = Configuration()
            config.busyMode = .timeout(10)
            config.label = "sluice.store"
            do {
                if try !SQLiteStore.isCurrent(path: path) { try SQLiteStore.openAndMigrate(path: path, configuration: config).close() }
                config.readonly = true
                pool = try DatabasePool(path: path, configuration: config)
            } catch let error as DatabaseError where error.resultCode == .SQLITE_NOTADB {
                throw StoreError("the store \(path) is not a SQLite database; move it aside (Sluice creates a new one) or point --store at the right file")
            } catch let error as DatabaseError {
                throw StoreError("cannot open the store \(path): \(error.message ?? error.description)")
            }
            artifacts = ArtifactDirectory(path: (directory.isEmpty ? "." : directory) + "/artifacts")
            return
        }
        do {
            if !directory.isEmpty, !FileManager.default.fileExists(atPath: directory) {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
                // A store directory Sluice creates keeps itself out of git.
                try Data("# Created by sluice: the store is local state, not source.\n*\n".utf8)
                    .write(to: URL(fileURLWithPath: directory).appendingPathComponent(".gitignore"))
            }
        } catch {
            throw StoreError("cannot create the store directory \(directory): \(error.localizedDescription)")
        }
        var config = Configuration()
        config.busyMode = .timeout(10)
        config.label = "sluice.store"
        do {
            pool = try SQLiteStore.openAndMigrate(path: path, configuration: config)
        } catch let error as DatabaseError where error.resultCode == .SQLITE_NOTADB {
            throw StoreError("the store \(path) is not a SQLite database; move it aside (Sluice creates a new one) or point --store at the right file")
        } catch let error as DatabaseError {
            throw StoreError("cannot open the store \(path): \(error.message ?? error.description)")
        }
        artifacts = ArtifactDirectory(path: (directory.isEmpty ? "." : directory) + "/artifacts")
    }

    /// Opens the database (switching a new one to WAL) and brings its schema up to date.
    /// Processes opening a new store at the same moment (a controller starting while `sluice
    /// status` runs) take turns through an advisory lock on `<store>.migrate-lock`: SQLite answers
    /// "database is locked" without waiting while another connection switches the file to WAL,
    /// and GRDB's migrator reads which migrations are applied before its transaction, so two at
    /// once would both create the tables.
    static func openAndMigrate(path: String, configuration: Configuration) throws -> DatabasePool {
        let lock = open(path + ".migrate-lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        if lock >= 0 {
            while flock(lock, LOCK_EX) != 0 && errno == EINTR {}
        }
        defer {
            if lock >= 0 {
                flock(lock, LOCK_UN)
                close(lock)
            }
        }
        let pool = try DatabasePool(path: path, configuration: configuration)
        try migrator.migrate(pool)
        return pool
    }

    /// Whether the store at `path` has every migration (read without writing anything).
    static func isCurrent(path: String) throws -> Bool {
        var config = Configuration()
        config.readonly = true
        let queue = try DatabaseQueue(path: path, configuration: config)
        defer { try? queue.close() }
        return try queue.read { try migrator.hasCompletedMigrations($0) }
    }

    /// The schema, one migration per version; never edit a shipped migration, add one.
    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE versions (
                    model TEXT NOT NULL, id TEXT NOT NULL, artifact_digest TEXT NOT NULL,
                    inputs TEXT NOT NULL, manifest_digest TEXT NOT NULL, manifest_file TEXT NOT NULL,
                    data_digest TEXT NOT NULL, test_digest TEXT, metrics TEXT NOT NULL, evaluation TEXT NOT NULL,
                    train_seconds REAL NOT NULL, trained_at REAL NOT NULL, revision TEXT,
                    PRIMARY KEY (model, id));
                CREATE TABLE verdicts (
                    model TEXT NOT NULL, version TEXT NOT NULL, gate_digest TEXT NOT NULL, gate TEXT NOT NULL,
                    passed INTEGER NOT NULL, summary TEXT NOT NULL, details TEXT NOT NULL, champion TEXT,
                    evaluated_at REAL NOT NULL, revision TEXT,
                    PRIMARY KEY (model, version, gate_digest));
                CREATE TABLE publications (
                    id INTEGER PRIMARY KEY AUTOINCREMENT, model TEXT NOT NULL, version TEXT NOT NULL,
                    target TEXT NOT NULL, artifact_digest TEXT NOT NULL, published_at REAL NOT NULL,
                    retired_at REAL, revision TEXT, reason TEXT NOT NULL);
                CREATE UNIQUE INDEX publications_open ON publications(model) WHERE retired_at IS NULL;
                CREATE TABLE events (
                    id INTEGER PRIMARY KEY AUTOINCREMENT, at REAL NOT NULL, model TEXT NOT NULL,
                    kind TEXT NOT NULL, message TEXT NOT NULL, revision TEXT);
                CREATE INDEX events_model ON events(model, id);
                CREATE TABLE file_digests (
                    path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,
                    ctime_ns INTEGER NOT NULL, inode INTEGER NOT NULL, digest TEXT NOT NULL);
                """)
        }
        m.registerMigration("v2: writer lease") { db in
            try db.execute(sql: """
                CREATE TABLE lease (
                    name TEXT PRIMARY KEY, token TEXT NOT NULL, pid INTEGER NOT NULL, host TEXT NOT NULL,
                    command TEXT NOT NULL, acquired_at REAL NOT NULL, expires_at REAL NOT NULL);
                """)
        }
        m.registerMigration("v3: conditions") { db in
            try db.execute(sql: """
                CREATE TABLE conditions (
                    model TEXT PRIMARY KEY, condition TEXT NOT NULL, message TEXT NOT NULL, version TEXT,
                    since REAL NOT NULL, checked_at REAL NOT NULL, revision TEXT);
                """)
        }
        m.registerMigration("v4: monitor") { db in
            try db.execute(sql: """
                CREATE TABLE monitor_states (
                    model TEXT PRIMARY KEY, version TEXT, checked_at REAL NOT NULL, problem TEXT,
                    conditions TEXT NOT NULL, report TEXT);
                """)
        }
        m.registerMigration("v5: feedback snapshots") { db in
            try db.execute(sql: """
                ALTER TABLE versions ADD COLUMN feedback_digest TEXT;
                ALTER TABLE monitor_states ADD COLUMN retrain TEXT;
                CREATE TABLE feedback_snapshots (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT, model TEXT NOT NULL, digest TEXT NOT NULL,
                    base_version TEXT NOT NULL, spec_digest TEXT NOT NULL, served_version TEXT NOT NULL, trigger TEXT NOT NULL,
                    train_rows INTEGER NOT NULL, holdout_rows INTEGER NOT NULL, fresh_rows INTEGER NOT NULL,
                    created_at REAL NOT NULL, revision TEXT, csv BLOB NOT NULL, dropped_at REAL);
                CREATE UNIQUE INDEX feedback_snapshots_digest ON feedback_snapshots(model, digest);
                """)
        }
        // v6 is PostgreSQL's work queue; this one has the same name there.
        m.registerMigration("v7: events by kind") { db in
            // The web UI's event log filtered by kind, and its counts of each kind, without reading every event.
            try db.execute(sql: "CREATE INDEX events_kind ON events(kind, id);")
        }
        return m
    }

    func write(_ body: (Database) throws -> Void) throws {
        let fence = self.fenceToken.withLock { $0 }
        do {
            try pool.write { db in
                if let fence {
                    let holder = try String.fetchOne(db, sql: "SELECT token FROM lease WHERE name = 'writer'")
                    guard holder == fence else {
                        throw StoreError("this process lost the store's writer lease (another process took it over); nothing more is written under it")
                    }
                }
                try body(db)
            }
        } catch let e as DatabaseError {
            throw StoreError("store write failed (\(path)): \(e.message ?? e.description)")
        }
    }

    private func read<T>(_ body: (Database) throws -> T) throws -> T {
        do { return try pool.read(body) } catch let e as DatabaseError {
            throw StoreError("store read failed (\(path)): \(e.message ?? e.description)")
        }
    }

    /// Reads only what planning needs: training inputs as text (parsed only to explain a change),
    /// verdicts without their rule details.
    public func observe() throws -> ObservedState {
        try read { db in
            var models: [String: ObservedModel] = [:]
            let versions = try Row.fetchCursor(db, sql: """
                SELECT model, id, artifact_digest, data_digest, test_digest, inputs, feedback_digest FROM versions
                """)
            while let r = try versions.next() {
                let model: String = r["model"], id: String = r["id"]
                let inputs: String? = r["inputs"]
                models[model, default: ObservedModel(name: model)].versions[id] = VersionSummary(
                    id: id, artifactDigest: r["artifact_digest"], inputsText: inputs ?? "null",
                    dataDigest: r["data_digest"], testDigest: r["test_digest"], feedbackDigest: r["feedback_digest"])
            }
            let verdicts = try Row.fetchCursor(db, sql: "SELECT model, version, gate_digest, passed, summary FROM verdicts")
            while let r = try verdicts.next() {
                let model: String = r["model"], version: String = r["version"]
                models[model, default: ObservedModel(name: model)].verdicts[version, default: [:]][r["gate_digest"]] =
                    Verdict(passed: r["passed"], summary: r["summary"])
            }
            for p in try Row.fetchAll(db, sql: "SELECT * FROM publications WHERE retired_at IS NULL").map(Self.publication) {
                models[p.model, default: ObservedModel(name: p.model)].publication = p.publication
            }
            return ObservedState(models: models)
        }
    }

    public func recordVersion(_ v: VersionRecord) throws {
        try write { db in try Self.upsert(v, db) }
    }

    /// Writes a version (replacing the same model and id), inside a write.
    static func upsert(_ v: VersionRecord, _ db: Database) throws {
        try db.execute(sql: """
            INSERT OR REPLACE INTO versions (model, id, artifact_digest, inputs, manifest_digest, manifest_file, data_digest,
                test_digest, metrics, evaluation, train_seconds, trained_at, revision, feedback_digest)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [v.model, v.id, v.artifactDigest, v.inputs.canonical(), v.manifestDigest, v.manifestFile, v.dataDigest,
                             v.testDigest, JSON.object(v.metrics.mapValues(JSON.number)).canonical(), v.evaluation.canonical(),
                             v.trainSeconds, v.trainedAt.timeIntervalSince1970, v.revision, v.feedbackDigest])
    }

    public func recordVerdict(_ v: VerdictRecord) throws {
        try write { db in try Self.upsert(v, db) }
    }

    /// Writes a verdict (replacing the same model, version and gate), inside a write.
    static func upsert(_ v: VerdictRecord, _ db: Database) throws {
        try db.execute(sql: """
            INSERT OR REPLACE INTO verdicts (model, version, gate_digest, gate, passed, summary, details, champion, evaluated_at, revision)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [v.model, v.version, v.gateDigest, v.gate.canonical(), v.passed, v.summary, v.details.canonical(),
                             v.champion, v.evaluatedAt.timeIntervalSince1970, v.revision])
    }

    /// A publication never ends before it starts: a late clock (another host's, or a time taken
    /// before a long write) closes the previous one at its start, not before.
    public func recordPublication(_ p: PublicationRecord) throws {
        try write { db in
            try db.execute(sql: "UPDATE publications SET retired_at = MAX(published_at, ?) WHERE model = ? AND retired_at IS NULL",
                           arguments: [p.publishedAt.timeIntervalSince1970, p.model])
            try db.execute(sql: """
                INSERT INTO publications (model, version, target, artifact_digest, published_at, retired_at, revision, reason)
                VALUES (?, ?, ?, ?, ?, NULL, ?, ?)
                """, arguments: [p.model, p.version, p.targetJSON.canonical(), p.artifactDigest, p.publishedAt.timeIntervalSince1970,
                                 p.revision, p.reason])
        }
    }

    public func recordRetirement(model: String, at: Date) throws {
        try write { db in
            try db.execute(sql: "UPDATE publications SET retired_at = MAX(published_at, ?) WHERE model = ? AND retired_at IS NULL",
                           arguments: [at.timeIntervalSince1970, model])
        }
    }

    public func recordEvent(_ e: EventRecord) throws {
        try write { db in
            try Self.insert(e, db)
        }
    }

    /// Inserts an event inside a write (every event goes through here).
    static func insert(_ e: EventRecord, _ db: Database) throws {
        try db.execute(sql: "INSERT INTO events (at, model, kind, message, revision) VALUES (?, ?, ?, ?, ?)",
                       arguments: [e.at.timeIntervalSince1970, e.model, e.kind.rawValue, e.message, e.revision])
    }

    public func recordConditions(_ records: [ConditionRecord]) throws {
        try write { db in
            for c in records { try Self.upsert(c, db) }
        }
    }

    /// Writes a model's condition, inside a write; an unchanged condition and message keep its `since`.
    static func upsert(_ c: ConditionRecord, _ db: Database) throws {
        try db.execute(sql: """
            INSERT INTO conditions (model, condition, message, version, since, checked_at, revision)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(model) DO UPDATE SET
                since = CASE WHEN condition = excluded.condition AND message = excluded.message THEN since ELSE excluded.since END,
                condition = excluded.condition, message = excluded.message, version = excluded.version,
                checked_at = excluded.checked_at, revision = excluded.revision
            """, arguments: [c.model, c.condition, c.message, c.version, c.since.timeIntervalSince1970,
                             c.checkedAt.timeIntervalSince1970, c.revision])
    }

    public func conditions() throws -> [ConditionRecord] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM conditions ORDER BY model").map { r in
                ConditionRecord(model: r["model"], condition: r["condition"], message: r["message"], version: r["version"],
                                since: Date(timeIntervalSince1970: r["since"]), checkedAt: Date(timeIntervalSince1970: r["checked_at"]),
                                revision: r["revision"])
            }
        }
    }

    public func recordMonitor(_ state: MonitorState, events: [EventRecord]) throws {
        try write { db in
            try Self.upsert(state, db)
            for e in events { try Self.insert(e, db) }
        }
    }

    /// Writes a model's monitor state (replacing its previous one), inside a write.
    static func upsert(_ state: MonitorState, _ db: Database) throws {
        try db.execute(sql: """
            INSERT OR REPLACE INTO monitor_states (model, version, checked_at, problem, conditions, report, retrain)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """, arguments: [state.model, state.version, state.checkedAt.timeIntervalSince1970, state.problem,
                             MonitorState.Tracked.text(state.conditions), state.report, state.retrain])
    }

    public func removeMonitorStates(models: [String]) throws {
        try write { db in
            for model in models { try db.execute(sql: "DELETE FROM monitor_states WHERE model = ?", arguments: [model]) }
        }
    }

    public func monitorStates() throws -> [MonitorState] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM monitor_states ORDER BY model").map { r in
                let model: String = r["model"]
                let conditions: [MonitorState.Tracked]
                do { conditions = try MonitorState.Tracked.read(r["conditions"]) } catch {
                    throw StoreError("the store \(path) holds monitor conditions of model \(model) that do not read (\(error)); a newer Sluice may have written them")
                }
                return MonitorState(model: model, version: r["version"], checkedAt: Date(timeIntervalSince1970: r["checked_at"]),
                                    problem: r["problem"], conditions: conditions, report: r["report"], retrain: r["retrain"])
            }
        }
    }

    public func recordFeedbackSnapshot(_ snapshot: FeedbackSnapshotRecord, csv: [UInt8], events: [EventRecord]) throws {
        try snapshot.check(csv)
        try write { db in
            let known = try Bool.fetchOne(db, sql: "SELECT 1 FROM feedback_snapshots WHERE model = ? AND digest = ?",
                                          arguments: [snapshot.model, snapshot.digest]) ?? false
            guard !known else { return }
            try Self.insert(snapshot, csv: csv, db)
            for e in events { try Self.insert(e, db) }
        }
    }

    /// Writes a snapshot with its bytes, inside a write.
    static func insert(_ snapshot: FeedbackSnapshotRecord, csv: [UInt8], _ db: Database) throws {
        try db.execute(sql: """
            INSERT INTO feedback_snapshots (model, digest, base_version, spec_digest, served_version, trigger, train_rows, holdout_rows,
                fresh_rows, created_at, revision, csv, dropped_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [snapshot.model, snapshot.digest, snapshot.baseVersion, snapshot.specDigest, snapshot.servedVersion,
                             snapshot.trigger, snapshot.trainRows, snapshot.holdoutRows, snapshot.freshRows,
                             snapshot.createdAt.timeIntervalSince1970, snapshot.revision, Data(csv),
                             snapshot.droppedAt?.timeIntervalSince1970])
    }

    public func feedbackSnapshots(model: String?) throws -> [FeedbackSnapshotRecord] {
        try read { db in
            let columns = "model, digest, base_version, spec_digest, served_version, trigger, train_rows, holdout_rows, fresh_rows, created_at, revision, dropped_at"
            let rows = if let model {
                try Row.fetchAll(db, sql: "SELECT \(columns) FROM feedback_snapshots WHERE model = ? ORDER BY seq", arguments: [model])
            } else {
                try Row.fetchAll(db, sql: "SELECT \(columns) FROM feedback_snapshots ORDER BY seq")
            }
            return rows.map { r in
                FeedbackSnapshotRecord(model: r["model"], digest: r["digest"], baseVersion: r["base_version"], specDigest: r["spec_digest"],
                                       servedVersion: r["served_version"], trigger: r["trigger"], trainRows: r["train_rows"],
                                       holdoutRows: r["holdout_rows"], freshRows: r["fresh_rows"],
                                       createdAt: Date(timeIntervalSince1970: r["created_at"]), revision: r["revision"],
                                       droppedAt: (r["dropped_at"] as Double?).map(Date.init(timeIntervalSince1970:)))
            }
        }
    }

    public func dropFeedbackSnapshot(model: String, digest: String, at: Date, event: EventRecord) throws {
        var known = true
        try write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT dropped_at FROM feedback_snapshots WHERE model = ? AND digest = ?",
                                             arguments: [model, digest]) else {
                known = false
                return
            }
            guard (row["dropped_at"] as Double?) == nil else { return }
            try db.execute(sql: "UPDATE feedback_snapshots SET dropped_at = ? WHERE model = ? AND digest = ?",
                           arguments: [at.timeIntervalSince1970, model, digest])
            try Self.insert(event, db)
        }
        guard known else { throw StoreError("the store \(path) has no feedback snapshot \(digest.prefix(8))… of \(model); nothing was dropped") }
    }

    public func feedbackSnapshot(model: String, digest: String) throws -> [UInt8] {
        let data = try read { db in
            try Data.fetchOne(db, sql: "SELECT csv FROM feedback_snapshots WHERE model = ? AND digest = ?", arguments: [model, digest])
        }
        guard let data else { throw StoreError("the store \(path) has no feedback snapshot \(digest.prefix(8))… of \(model)") }
        let csv = [UInt8](data)
        guard SHA256.hex(of: csv) == digest else {
            throw StoreError("feedback snapshot \(digest.prefix(8))… of \(model) in \(path) does not match its digest; the store is damaged")
        }
        return csv
    }

    public func version(model: String, id: String) throws -> VersionRecord? {
        try read { db in try Row.fetchOne(db, sql: "SELECT * FROM versions WHERE model = ? AND id = ?", arguments: [model, id]).map(Self.version) }
    }

    public func versions(model: String) throws -> [VersionRecord] {
        try read { db in try Row.fetchAll(db, sql: "SELECT * FROM versions WHERE model = ? ORDER BY trained_at, id", arguments: [model]).map(Self.version) }
    }

    public func verdicts(model: String) throws -> [VerdictRecord] {
        try read { db in try Row.fetchAll(db, sql: "SELECT * FROM verdicts WHERE model = ? ORDER BY evaluated_at", arguments: [model]).map(Self.verdict) }
    }

    public func publications(model: String) throws -> [PublicationRecord] {
        try read { db in try Row.fetchAll(db, sql: "SELECT * FROM publications WHERE model = ? ORDER BY id", arguments: [model]).map(Self.publication) }
    }

    public func activePublications() throws -> [PublicationRecord] {
        try read { db in try Row.fetchAll(db, sql: "SELECT * FROM publications WHERE retired_at IS NULL ORDER BY model").map(Self.publication) }
    }

    public func publishedMetrics(lastPerModel: Int, models: [String]?) throws -> [PublishedMetrics] {
        if let models, models.isEmpty { return [] }
        let only = models.map { " WHERE model IN (" + Array(repeating: "?", count: $0.count).joined(separator: ", ") + ")" } ?? ""
        return try read { db in
            try Row.fetchAll(db, sql: """
                SELECT p.model, p.version, p.published_at, p.retired_at, v.metrics
                FROM (SELECT id, model, version, published_at, retired_at,
                             ROW_NUMBER() OVER (PARTITION BY model ORDER BY id DESC) AS n FROM publications\(only)) AS p
                LEFT JOIN versions AS v ON v.model = p.model AND v.id = p.version
                WHERE p.n <= ? ORDER BY p.model, p.id
                """, arguments: StatementArguments((models ?? []).map { $0 as any DatabaseValueConvertible } + [lastPerModel])).map { r in
                let retired: Double? = r["retired_at"]
                return PublishedMetrics(model: r["model"], version: r["version"], publishedAt: Date(timeIntervalSince1970: r["published_at"]),
                                        retiredAt: retired.map(Date.init(timeIntervalSince1970:)),
                                        metrics: ((r["metrics"] as String?).map(Self.json)?.objectValue ?? [:]).compactMapValues(\.doubleValue))
            }
        }
    }

    public func events(model: String?, limit: Int) throws -> [EventRecord] {
        try read { db in
            let rows = if let model {
                try Row.fetchAll(db, sql: "SELECT * FROM events WHERE model = ? ORDER BY id DESC LIMIT ?", arguments: [model, limit])
            } else {
                try Row.fetchAll(db, sql: "SELECT * FROM events ORDER BY id DESC LIMIT ?", arguments: [limit])
            }
            return try rows.reversed().map { r in try Self.event(r, store: path) }
        }
    }

    public func eventLog(_ query: EventLogQuery) throws -> [LoggedEvent] {
        try read { db in
            // One indexed query a kind (newest first, each at most the limit), merged: never a sort of every match.
            let kinds: [String?] = query.kinds.isEmpty ? [nil] : query.kindWords
            var page: [LoggedEvent] = []
            for kind in kinds {
                var conditions: [String] = []
                var arguments: StatementArguments = []
                if let model = query.model {
                    conditions.append("model = ?")
                    arguments += [model]
                }
                if let kind {
                    conditions.append("kind = ?")
                    arguments += [kind]
                }
                if let before = query.before {
                    conditions.append("id < ?")
                    arguments += [before]
                }
                arguments += [max(0, query.limit)]
                let sql = "SELECT * FROM events" + (conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")) + " ORDER BY id DESC LIMIT ?"
                page += try Row.fetchAll(db, sql: sql, arguments: arguments).map { r in
                    LoggedEvent(sequence: r["id"], event: try Self.event(r, store: path))
                }
            }
            return Array(page.sorted { $0.sequence > $1.sequence }.prefix(max(0, query.limit)))
        }
    }

    public func eventCounts(model: String?) throws -> [EventKind: Int] {
        try read { db in
            let rows = if let model {
                try Row.fetchAll(db, sql: "SELECT kind, COUNT(*) AS n FROM events WHERE model = ? GROUP BY kind", arguments: [model])
            } else {
                try Row.fetchAll(db, sql: "SELECT kind, COUNT(*) AS n FROM events GROUP BY kind")
            }
            var counts: [EventKind: Int] = [:]
            // A kind a newer Sluice wrote is not counted (the log itself names it).
            for r in rows { if let kind = EventKind(rawValue: r["kind"]) { counts[kind] = r["n"] } }
            return counts
        }
    }

    /// An event row, or an error naming the kind this Sluice does not know.
    static func event(_ r: Row, store path: String) throws -> EventRecord {
        let word: String = r["kind"]
        guard let kind = EventKind(rawValue: word) else {
            throw StoreError("the store \(path) holds an event of model \(r["model"] as String) of kind \"\(word)\", which this Sluice does not know (a newer Sluice wrote it); upgrade Sluice to read the history")
        }
        return EventRecord(at: Date(timeIntervalSince1970: r["at"]), model: r["model"], kind: kind, message: r["message"], revision: r["revision"])
    }

    public func modelNames() throws -> [String] {
        try read { db in
            try String.fetchAll(db, sql: "SELECT model FROM versions UNION SELECT model FROM publications UNION SELECT model FROM events ORDER BY 1")
        }
    }

    public func claimLease(_ claimant: LeaseHolder, now: Date) throws -> LeaseHolder? {
        do {
            return try pool.writeWithoutTransaction { db in
                var result: LeaseHolder?
                try db.inTransaction(.immediate) {
                    let current = try Row.fetchOne(db, sql: "SELECT * FROM lease WHERE name = 'writer'").map(Self.lease)
                    if let current, !current.yields(to: claimant, now: now, isAlive: LeaseHolder.processExists) {
                        result = current
                        return .rollback
                    }
                    let acquired = current?.token == claimant.token ? current!.acquiredAt : claimant.acquiredAt
                    try db.execute(sql: """
                        INSERT OR REPLACE INTO lease (name, token, pid, host, command, acquired_at, expires_at)
                        VALUES ('writer', ?, ?, ?, ?, ?, ?)
                        """, arguments: [claimant.token, claimant.pid, claimant.host, claimant.command,
                                         acquired.timeIntervalSince1970, claimant.expiresAt.timeIntervalSince1970])
                    return .commit
                }
                return result
            }
        } catch let e as DatabaseError {
            throw StoreError("cannot take the store's writer lease (\(path)): \(e.message ?? e.description)")
        }
    }

    public func renewLease(token: String, until: Date) throws -> LeaseRenewal {
        do {
            return try pool.write { db in
                try db.execute(sql: "UPDATE lease SET expires_at = ? WHERE name = 'writer' AND token = ?",
                               arguments: [until.timeIntervalSince1970, token])
                if db.changesCount == 1 { return .renewed }
                return .lost(try Row.fetchOne(db, sql: "SELECT * FROM lease WHERE name = 'writer'").map(Self.lease))
            }
        } catch let e as DatabaseError {
            throw StoreError("cannot renew the store's writer lease (\(path)): \(e.message ?? e.description)")
        }
    }

    public func releaseLease(token: String) throws {
        do {
            try pool.write { db in try db.execute(sql: "DELETE FROM lease WHERE name = 'writer' AND token = ?", arguments: [token]) }
        } catch let e as DatabaseError {
            throw StoreError("cannot release the store's writer lease (\(path)): \(e.message ?? e.description)")
        }
    }

    public func leaseHolder() throws -> LeaseHolder? {
        try read { db in try Row.fetchOne(db, sql: "SELECT * FROM lease WHERE name = 'writer'").map(Self.lease) }
    }

    public func fence(_ token: String?) { fenceToken.withLock { $0 = token } }

    private static func lease(_ r: Row) -> LeaseHolder {
        LeaseHolder(token: r["token"], pid: r["pid"], host: r["host"], command: r["command"],
                    acquiredAt: Date(timeIntervalSince1970: r["acquired_at"]), expiresAt: Date(timeIntervalSince1970: r["expires_at"]))
    }

    public var artifactsDirectory: String? { artifacts.path }
    public func putArtifact(_ bytes: [UInt8]) throws -> String { try artifacts.put(bytes) }
    public func artifact(_ digest: String) throws -> [UInt8] { try artifacts.get(digest) }
    public func hasArtifact(_ digest: String) -> Bool { artifacts.contains(digest) }
    public func storedArtifacts() throws -> [String: Int64] { try artifacts.list() }
    /// Removes an artifact, after the writer-lease check every store write makes (a `gc` that
    /// lost the lease must not delete what the new holder may have stored again).
    public func removeArtifact(_ digest: String) throws {
        try write { _ in }
        try artifacts.remove(digest)
    }

    public func cachedDigest(path: String, stamp: FileStamp) throws -> String? {
        try read { db in
            try String.fetchOne(db, sql: """
                SELECT digest FROM file_digests WHERE path = ? AND size = ? AND mtime_ns = ? AND ctime_ns = ? AND inode = ?
                """, arguments: [path, stamp.size, stamp.mtimeNanoseconds, stamp.ctimeNanoseconds, Int64(bitPattern: stamp.inode)])
        }
    }

    public func cacheDigest(path: String, stamp: FileStamp, digest: String) throws {
        try write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO file_digests (path, size, mtime_ns, ctime_ns, inode, digest) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [path, stamp.size, stamp.mtimeNanoseconds, stamp.ctimeNanoseconds, Int64(bitPattern: stamp.inode), digest])
        }
    }

    public func cachedDigests() throws -> [String: (FileStamp, String)] {
        try read { db in
            var out: [String: (FileStamp, String)] = [:]
            let rows = try Row.fetchCursor(db, sql: "SELECT path, size, mtime_ns, ctime_ns, inode, digest FROM file_digests")
            while let r = try rows.next() {
                let inode: Int64 = r["inode"]
                out[r["path"]] = (FileStamp(size: r["size"], mtimeNanoseconds: r["mtime_ns"], ctimeNanoseconds: r["ctime_ns"],
                                            inode: UInt64(bitPattern: inode)), r["digest"])
            }
            return out
        }
    }

    private static func json(_ text: String) -> JSON {
        (try? JSONParser.parse(text).value) ?? .null
    }

    private static func version(_ r: Row) -> VersionRecord {
        VersionRecord(
            model: r["model"], id: r["id"], artifactDigest: r["artifact_digest"], inputs: json(r["inputs"]),
            manifestDigest: r["manifest_digest"], manifestFile: r["manifest_file"], dataDigest: r["data_digest"], testDigest: r["test_digest"],
            metrics: (json(r["metrics"]).objectValue ?? [:]).compactMapValues(\.doubleValue), evaluation: json(r["evaluation"]),
            trainSeconds: r["train_seconds"], trainedAt: Date(timeIntervalSince1970: r["trained_at"]), revision: r["revision"],
            feedbackDigest: r["feedback_digest"])
    }

    private static func verdict(_ r: Row) -> VerdictRecord {
        VerdictRecord(
            model: r["model"], version: r["version"], gateDigest: r["gate_digest"], gate: json(r["gate"]), passed: r["passed"],
            summary: r["summary"], details: json(r["details"]), champion: r["champion"],
            evaluatedAt: Date(timeIntervalSince1970: r["evaluated_at"]), revision: r["revision"])
    }

    private static func publication(_ r: Row) -> PublicationRecord {
        let retired: Double? = r["retired_at"]
        return PublicationRecord(
            id: r["id"], model: r["model"], version: r["version"],
            deploy: DeploySpec(json: json(r["target"])) ?? .directory(path: "?"), formats: PublicationRecord.formats(from: json(r["target"])),
            artifactDigest: r["artifact_digest"],
            publishedAt: Date(timeIntervalSince1970: r["published_at"]), retiredAt: retired.map(Date.init(timeIntervalSince1970:)),
            revision: r["revision"], reason: r["reason"])
    }
}
