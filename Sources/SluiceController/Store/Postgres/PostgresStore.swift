import Foundation
import Synchronization
import SluiceCore
import SluiceManifest
import SluiceReconcile

/// A store in a PostgreSQL database (`--store postgres://user@host/db`): the same records,
/// migrations and writer lease as ``SQLiteStore``, with artifacts as `bytea` rows, so several
/// hosts can share one store (issue 15). Tables live in the schema `sluice`.
///
/// One connection per store, all its calls on one dispatch queue (``PGConnection``).
public final class PostgresStore: Store, @unchecked Sendable {
    // PGConnection serialises its calls; the other properties are immutable or locked.
    let connection: PGConnection
    /// The store's URI without its password, for messages.
    public let label: String
    /// The URI as given (with its password, if any): the listener's connection opens it too.
    let uri: String
    let fenceToken = Mutex<String?>(nil)
    /// The claim token of each model this replica works on (``fence(model:token:)``).
    let modelFences = Mutex<[String: String]>([:])
    /// The writer lease's token a replica led under (``fenceLeader(_:)``).
    let leaderFence = Mutex<String?>(nil)

    /// Connects to the database at `uri` and brings its schema up to date.
    /// - Parameter readOnly: the read-only commands (`status`, `history`, …): a database without
    ///   a Sluice schema is ``StoreMissing`` rather than created; an older schema is still migrated.
    /// - Throws: ``StoreError`` when the server cannot be reached or refuses (its message and
    ///   SQLSTATE), ``StoreMissing`` when `readOnly` and nothing was applied there yet.
    public init(uri: String, readOnly: Bool = false) throws {
        self.uri = uri
        do {
            connection = try PGConnection(uri: uri, setup: [
                "SET client_encoding TO 'UTF8'", "SET bytea_output TO 'hex'", "SET search_path TO \(PostgresSchema.name)",
            ])
        } catch let e as PGError {
            throw StoreError("\(e); check the --store URI, that the server runs, and the password (PGPASSWORD or ~/.pgpass)")
        }
        label = connection.label
        do {
            try migrate(readOnly: readOnly)
        } catch let e as PGError {
            throw StoreError("cannot open the PostgreSQL store \(label): \(e)")
        }
    }

    /// Applies the migrations not yet applied, one process at a time (an advisory lock), in one transaction.
    private func migrate(readOnly: Bool) throws {
        try connection.transaction { s in
            try s.exec("SELECT pg_advisory_xact_lock($1)", [.int(PostgresSchema.migrateLock)])
            let known = try s.exec("""
                SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = 'sluice_migrations'
                """, [.text(PostgresSchema.name)])
            if known.cells.isEmpty, readOnly { throw StoreMissing(path: label) }
            try s.exec("CREATE SCHEMA IF NOT EXISTS \(PostgresSchema.name)")
            try s.exec("CREATE TABLE IF NOT EXISTS sluice_migrations (identifier TEXT PRIMARY KEY)")
            let applied = Set(try s.exec("SELECT identifier FROM sluice_migrations").rows.map { try $0.string("identifier") })
            for (identifier, statements) in PostgresSchema.pending(applied: applied) {
                for statement in statements { try s.exec(statement) }
                try s.exec("INSERT INTO sluice_migrations (identifier) VALUES ($1)", [.text(identifier)])
            }
        }
    }

    /// Runs `body` in a write transaction, after checking its fence: for a write about models this
    /// replica has claimed (``fence(model:token:)``), that each claim still holds its model's work
    /// row and its lease has not run out (the rows share-locked, so no takeover can happen before
    /// the commit); for a write about other models, that the process still holds the writer lease it
    /// fences by (``fence(_:)``, or a replica's ``fenceLeader(_:)``); for a write about no model, the
    /// writer lease of ``fence(_:)`` only (a replica that no longer leads still stores artifacts).
    /// - Parameter models: the models the write is about (none: a write about the store as a whole).
    func write(models: [String] = [], _ body: (PGSession) throws -> Void) throws {
        let claims = modelFences.withLock { f in models.compactMap { m in f[m].map { (m, $0) } } }
        let leaseFence = fenceToken.withLock { $0 } ?? (claims.count < models.count ? leaderFence.withLock { $0 } : nil)
        let checksLease = models.isEmpty || claims.count < models.count
        do {
            try connection.transaction { s in
                for (model, token) in claims {
                    let held = try s.exec("""
                        SELECT 1 FROM work WHERE model = $1 AND token = $2 AND lease_until > \(Self.dbNow) FOR SHARE
                        """, [.text(model), .text(token)])
                    guard !held.rows.isEmpty else { throw StoreError(WorkClaim.lostMessage(model)) }
                }
                if checksLease, let fence = leaseFence {
                    let holder = try s.exec("SELECT token FROM lease WHERE name = 'writer' FOR SHARE").rows.first?.string("token")
                    guard holder == fence else {
                        throw StoreError("this process lost the store's writer lease (another process took it over); nothing more is written under it")
                    }
                }
                try body(s)
            }
        } catch let e as PGError {
            throw StoreError("store write failed (\(label)): \(e)")
        }
    }

    /// Runs one read statement.
    func read(_ sql: String, _ params: [PGValue?] = []) throws -> [PGRow] {
        do { return try connection.exec(sql, params).rows } catch let e as PGError {
            throw StoreError("store read failed (\(label)): \(e)")
        }
    }

    /// Reads what planning needs in one snapshot (a repeatable-read transaction).
    public func observe() throws -> ObservedState {
        do {
            return try connection.transaction("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY") { s in
                var models: [String: ObservedModel] = [:]
                for r in try s.exec("SELECT model, id, artifact_digest, data_digest, test_digest, inputs, feedback_digest FROM versions").rows {
                    let model = try r.string("model"), id = try r.string("id")
                    models[model, default: ObservedModel(name: model)].versions[id] = VersionSummary(
                        id: id, artifactDigest: try r.string("artifact_digest"), inputsText: try r.optionalString("inputs") ?? "null",
                        dataDigest: try r.string("data_digest"), testDigest: try r.optionalString("test_digest"),
                        feedbackDigest: try r.optionalString("feedback_digest"))
                }
                for r in try s.exec("SELECT model, version, gate_digest, passed, summary FROM verdicts").rows {
                    let model = try r.string("model"), version = try r.string("version")
                    models[model, default: ObservedModel(name: model)].verdicts[version, default: [:]][try r.string("gate_digest")] =
                        Verdict(passed: try r.bool("passed"), summary: try r.string("summary"))
                }
                for p in try s.exec("SELECT * FROM publications WHERE retired_at IS NULL").rows.map(Self.publication) {
                    models[p.model, default: ObservedModel(name: p.model)].publication = p.publication
                }
                return ObservedState(models: models)
            }
        } catch let e as PGError {
            throw StoreError("store read failed (\(label)): \(e)")
        }
    }

    public func recordVersion(_ v: VersionRecord) throws {
        try write(models: [v.model]) { s in try Self.upsert(v, s) }
    }

    /// Writes a version (replacing the same model and id), inside a write.
    static func upsert(_ v: VersionRecord, _ s: PGSession) throws {
        try s.exec("""
            INSERT INTO versions (model, id, artifact_digest, inputs, manifest_digest, manifest_file, data_digest,
                test_digest, metrics, evaluation, train_seconds, trained_at, revision, feedback_digest)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
            ON CONFLICT (model, id) DO UPDATE SET artifact_digest = excluded.artifact_digest, inputs = excluded.inputs,
                manifest_digest = excluded.manifest_digest, manifest_file = excluded.manifest_file, data_digest = excluded.data_digest,
                test_digest = excluded.test_digest, metrics = excluded.metrics, evaluation = excluded.evaluation,
                train_seconds = excluded.train_seconds, trained_at = excluded.trained_at, revision = excluded.revision,
                feedback_digest = excluded.feedback_digest
            """, [.text(v.model), .text(v.id), .text(v.artifactDigest), .text(v.inputs.canonical()), .text(v.manifestDigest),
                  .text(v.manifestFile), .text(v.dataDigest), .string(v.testDigest),
                  .text(JSON.object(v.metrics.mapValues(JSON.number)).canonical()), .text(v.evaluation.canonical()),
                  .double(v.trainSeconds), .date(v.trainedAt), .string(v.revision), .string(v.feedbackDigest)])
    }

    public func recordVerdict(_ v: VerdictRecord) throws {
        try write(models: [v.model]) { s in try Self.upsert(v, s) }
    }

    /// Writes a verdict (replacing the same model, version and gate), inside a write.
    static func upsert(_ v: VerdictRecord, _ s: PGSession) throws {
        try s.exec("""
            INSERT INTO verdicts (model, version, gate_digest, gate, passed, summary, details, champion, evaluated_at, revision)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
            ON CONFLICT (model, version, gate_digest) DO UPDATE SET gate = excluded.gate, passed = excluded.passed,
                summary = excluded.summary, details = excluded.details, champion = excluded.champion,
                evaluated_at = excluded.evaluated_at, revision = excluded.revision
            """, [.text(v.model), .text(v.version), .text(v.gateDigest), .text(v.gate.canonical()), .bool(v.passed), .text(v.summary),
                  .text(v.details.canonical()), .string(v.champion), .date(v.evaluatedAt), .string(v.revision)])
    }

    /// A publication never ends before it starts (as ``SQLiteStore/recordPublication(_:)``).
    public func recordPublication(_ p: PublicationRecord) throws {
        try write(models: [p.model]) { s in
            try s.exec("UPDATE publications SET retired_at = GREATEST(published_at, $1) WHERE model = $2 AND retired_at IS NULL",
                       [.date(p.publishedAt), .text(p.model)])
            try s.exec("""
                INSERT INTO publications (model, version, target, artifact_digest, published_at, retired_at, revision, reason)
                VALUES ($1, $2, $3, $4, $5, NULL, $6, $7)
                """, [.text(p.model), .text(p.version), .text(p.targetJSON.canonical()), .text(p.artifactDigest), .date(p.publishedAt),
                      .string(p.revision), .text(p.reason)])
        }
    }

    public func recordRetirement(model: String, at: Date) throws {
        try write(models: [model]) { s in
            try s.exec("UPDATE publications SET retired_at = GREATEST(published_at, $1) WHERE model = $2 AND retired_at IS NULL",
                       [.date(at), .text(model)])
        }
    }

    public func recordEvent(_ e: EventRecord) throws {
        try write(models: [e.model]) { s in try Self.insert(e, s) }
    }

    static func insert(_ e: EventRecord, _ s: PGSession) throws {
        try s.exec("INSERT INTO events (at, model, kind, message, revision) VALUES ($1, $2, $3, $4, $5)",
                   [.date(e.at), .text(e.model), .text(e.kind.rawValue), .text(e.message), .string(e.revision)])
    }

    /// One statement per batch of distinct models (the arrays of their fields `unnest`ed into
    /// rows), not one per model: a cycle of 10,000 models is one round trip, not 10,000. A model
    /// named twice starts a new batch, so that a later record sees the earlier one, as one
    /// statement per record would.
    public func recordConditions(_ records: [ConditionRecord]) throws {
        try write(models: records.map(\.model)) { s in
            for batch in Self.distinctModelBatches(records) { try Self.upsert(batch, s) }
        }
    }

    /// Writes the conditions of distinct models in one statement, inside a write; a model's
    /// unchanged condition and message keep its `since`.
    static func upsert(_ batch: [ConditionRecord], _ s: PGSession) throws {
        try s.exec("""
            INSERT INTO conditions (model, condition, message, version, since, checked_at, revision)
            SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::float8[], $6::float8[], $7::text[])
            ON CONFLICT (model) DO UPDATE SET
                since = CASE WHEN conditions.condition = excluded.condition AND conditions.message = excluded.message
                        THEN conditions.since ELSE excluded.since END,
                condition = excluded.condition, message = excluded.message, version = excluded.version,
                checked_at = excluded.checked_at, revision = excluded.revision
            """, [.array(batch.map(\.model)), .array(batch.map(\.condition)), .array(batch.map(\.message)),
                  .array(batch.map(\.version)), .array(batch.map { Optional($0.since) }),
                  .array(batch.map { Optional($0.checkedAt) }), .array(batch.map(\.revision))])
    }

    /// `records` cut, in order, into runs in which no model appears twice (one statement cannot
    /// update a row twice).
    static func distinctModelBatches(_ records: [ConditionRecord]) -> [[ConditionRecord]] {
        var batches: [[ConditionRecord]] = []
        var current: [ConditionRecord] = [], seen: Set<String> = []
        for c in records {
            if seen.contains(c.model) {
                batches.append(current)
                current = []
                seen = []
            }
            current.append(c)
            seen.insert(c.model)
        }
        if !current.isEmpty { batches.append(current) }
        return batches
    }

    public func conditions() throws -> [ConditionRecord] {
        try read(#"SELECT * FROM conditions ORDER BY model COLLATE "C""#).map { r in
            ConditionRecord(model: try r.string("model"), condition: try r.string("condition"), message: try r.string("message"),
                            version: try r.optionalString("version"), since: try r.date("since"), checkedAt: try r.date("checked_at"),
                            revision: try r.optionalString("revision"))
        }
    }

    public func recordMonitor(_ state: MonitorState, events: [EventRecord]) throws {
        try write(models: [state.model]) { s in
            try Self.upsert(state, s)
            for e in events { try Self.insert(e, s) }
        }
    }

    /// Writes a model's monitor state (replacing its previous one), inside a write.
    static func upsert(_ state: MonitorState, _ s: PGSession) throws {
        try s.exec("""
            INSERT INTO monitor_states (model, version, checked_at, problem, conditions, report, retrain)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            ON CONFLICT (model) DO UPDATE SET version = excluded.version, checked_at = excluded.checked_at,
                problem = excluded.problem, conditions = excluded.conditions, report = excluded.report, retrain = excluded.retrain
            """, [.text(state.model), .string(state.version), .date(state.checkedAt), .string(state.problem),
                  .text(MonitorState.Tracked.text(state.conditions)), .string(state.report), .string(state.retrain)])
    }

    public func removeMonitorStates(models: [String]) throws {
        try write { s in
            for model in models { try s.exec("DELETE FROM monitor_states WHERE model = $1", [.text(model)]) }
        }
    }

    public func monitorStates() throws -> [MonitorState] {
        try read(#"SELECT * FROM monitor_states ORDER BY model COLLATE "C""#).map { r in
            let model = try r.string("model")
            let conditions: [MonitorState.Tracked]
            do { conditions = try MonitorState.Tracked.read(try r.string("conditions")) } catch {
                throw StoreError("the store \(label) holds monitor conditions of model \(model) that do not read (\(error)); a newer Sluice may have written them")
            }
            return MonitorState(model: model, version: try r.optionalString("version"), checkedAt: try r.date("checked_at"),
                                problem: try r.optionalString("problem"), conditions: conditions, report: try r.optionalString("report"),
                                retrain: try r.optionalString("retrain"))
        }
    }

    public func version(model: String, id: String) throws -> VersionRecord? {
        try read("SELECT * FROM versions WHERE model = $1 AND id = $2", [.text(model), .text(id)]).first.map(Self.version)
    }

    public func versions(model: String) throws -> [VersionRecord] {
        try read(#"SELECT * FROM versions WHERE model = $1 ORDER BY trained_at, id COLLATE "C""#, [.text(model)]).map(Self.version)
    }

    public func verdicts(model: String) throws -> [VerdictRecord] {
        try read("SELECT * FROM verdicts WHERE model = $1 ORDER BY evaluated_at", [.text(model)]).map(Self.verdict)
    }

    public func publications(model: String) throws -> [PublicationRecord] {
        try read("SELECT * FROM publications WHERE model = $1 ORDER BY id", [.text(model)]).map(Self.publication)
    }

    public func activePublications() throws -> [PublicationRecord] {
        try read(#"SELECT * FROM publications WHERE retired_at IS NULL ORDER BY model COLLATE "C""#).map(Self.publication)
    }

    public func publishedMetrics(lastPerModel: Int, models: [String]?) throws -> [PublishedMetrics] {
        if let models, models.isEmpty { return [] }
        let only = models.map { " WHERE model IN (" + $0.indices.map { "$\($0 + 2)" }.joined(separator: ", ") + ")" } ?? ""
        return try read(#"""
            SELECT p.model, p.version, p.published_at, p.retired_at, v.metrics
            FROM (SELECT id, model, version, published_at, retired_at,
                         ROW_NUMBER() OVER (PARTITION BY model ORDER BY id DESC) AS n FROM publications\#(only)) AS p
            LEFT JOIN versions AS v ON v.model = p.model AND v.id = p.version
            WHERE p.n <= $1 ORDER BY p.model COLLATE "C", p.id
            """#, [.int(lastPerModel)] + (models ?? []).map { .text($0) }).map { r in
            PublishedMetrics(model: try r.string("model"), version: try r.string("version"), publishedAt: try r.date("published_at"),
                             retiredAt: try r.optionalDate("retired_at"),
                             metrics: (try r.optionalString("metrics").map(Self.json)?.objectValue ?? [:]).compactMapValues(\.doubleValue))
        }
    }

    public func events(model: String?, limit: Int) throws -> [EventRecord] {
        let rows = if let model {
            try read("SELECT * FROM events WHERE model = $1 ORDER BY id DESC LIMIT $2", [.text(model), .int(limit)])
        } else {
            try read("SELECT * FROM events ORDER BY id DESC LIMIT $1", [.int(limit)])
        }
        return try rows.reversed().map(event)
    }

    public func eventLog(_ query: EventLogQuery) throws -> [LoggedEvent] {
        // One indexed query a kind (newest first, each at most the limit), merged: never a sort of every match.
        let kinds: [String?] = query.kinds.isEmpty ? [nil] : query.kindWords
        var page: [LoggedEvent] = []
        for kind in kinds {
            var conditions: [String] = []
            var params: [PGValue?] = []
            if let model = query.model {
                params.append(.text(model))
                conditions.append("model = $\(params.count)")
            }
            if let kind {
                params.append(.text(kind))
                conditions.append("kind = $\(params.count)")
            }
            if let before = query.before {
                params.append(.int(before))
                conditions.append("id < $\(params.count)")
            }
            params.append(.int(max(0, query.limit)))
            let sql = "SELECT * FROM events" + (conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")) + " ORDER BY id DESC LIMIT $\(params.count)"
            page += try read(sql, params).map { r in LoggedEvent(sequence: try r.int64("id"), event: try event(r)) }
        }
        return Array(page.sorted { $0.sequence > $1.sequence }.prefix(max(0, query.limit)))
    }

    public func eventCounts(model: String?) throws -> [EventKind: Int] {
        let rows = if let model {
            try read("SELECT kind, COUNT(*) AS n FROM events WHERE model = $1 GROUP BY kind", [.text(model)])
        } else {
            try read("SELECT kind, COUNT(*) AS n FROM events GROUP BY kind")
        }
        var counts: [EventKind: Int] = [:]
        // A kind a newer Sluice wrote is not counted (the log itself names it).
        for r in rows { if let kind = EventKind(rawValue: try r.string("kind")) { counts[kind] = try r.int("n") } }
        return counts
    }

    /// An event row, or an error naming the kind this Sluice does not know.
    private func event(_ r: PGRow) throws -> EventRecord {
        let word = try r.string("kind")
        guard let kind = EventKind(rawValue: word) else {
            throw StoreError("the store \(label) holds an event of model \(try r.string("model")) of kind \"\(word)\", which this Sluice does not know (a newer Sluice wrote it); upgrade Sluice to read the history")
        }
        return EventRecord(at: try r.date("at"), model: try r.string("model"), kind: kind, message: try r.string("message"),
                           revision: try r.optionalString("revision"))
    }

    public func modelNames() throws -> [String] {
        try read(#"""
            SELECT model FROM (SELECT model FROM versions UNION SELECT model FROM publications UNION SELECT model FROM events) AS m
            ORDER BY model COLLATE "C"
            """#).map { try $0.string("model") }
    }

    public func cachedDigest(path: String, stamp: FileStamp) throws -> String? {
        try read("""
            SELECT digest FROM file_digests WHERE path = $1 AND size = $2 AND mtime_ns = $3 AND ctime_ns = $4 AND inode = $5
            """, [.text(path), .int(stamp.size), .int(stamp.mtimeNanoseconds), .int(stamp.ctimeNanoseconds),
                  .int(Int64(bitPattern: stamp.inode))]).first?.string("digest")
    }

    public func cacheDigest(path: String, stamp: FileStamp, digest: String) throws {
        try write { s in
            try s.exec("""
                INSERT INTO file_digests (path, size, mtime_ns, ctime_ns, inode, digest) VALUES ($1, $2, $3, $4, $5, $6)
                ON CONFLICT (path) DO UPDATE SET size = excluded.size, mtime_ns = excluded.mtime_ns, ctime_ns = excluded.ctime_ns,
                    inode = excluded.inode, digest = excluded.digest
                """, [.text(path), .int(stamp.size), .int(stamp.mtimeNanoseconds), .int(stamp.ctimeNanoseconds),
                      .int(Int64(bitPattern: stamp.inode)), .text(digest)])
        }
    }

    public func cachedDigests() throws -> [String: (FileStamp, String)] {
        var out: [String: (FileStamp, String)] = [:]
        for r in try read("SELECT path, size, mtime_ns, ctime_ns, inode, digest FROM file_digests") {
            out[try r.string("path")] = (FileStamp(size: try r.int64("size"), mtimeNanoseconds: try r.int64("mtime_ns"),
                                                   ctimeNanoseconds: try r.int64("ctime_ns"), inode: UInt64(bitPattern: try r.int64("inode"))),
                                         try r.string("digest"))
        }
        return out
    }

    private static func json(_ text: String) -> JSON {
        (try? JSONParser.parse(text).value) ?? .null
    }

    private static func version(_ r: PGRow) throws -> VersionRecord {
        VersionRecord(
            model: try r.string("model"), id: try r.string("id"), artifactDigest: try r.string("artifact_digest"),
            inputs: json(try r.string("inputs")), manifestDigest: try r.string("manifest_digest"), manifestFile: try r.string("manifest_file"),
            dataDigest: try r.string("data_digest"), testDigest: try r.optionalString("test_digest"),
            metrics: (json(try r.string("metrics")).objectValue ?? [:]).compactMapValues(\.doubleValue), evaluation: json(try r.string("evaluation")),
            trainSeconds: try r.double("train_seconds"), trainedAt: try r.date("trained_at"), revision: try r.optionalString("revision"),
            feedbackDigest: try r.optionalString("feedback_digest"))
    }

    private static func verdict(_ r: PGRow) throws -> VerdictRecord {
        VerdictRecord(
            model: try r.string("model"), version: try r.string("version"), gateDigest: try r.string("gate_digest"),
            gate: json(try r.string("gate")), passed: try r.bool("passed"), summary: try r.string("summary"),
            details: json(try r.string("details")), champion: try r.optionalString("champion"),
            evaluatedAt: try r.date("evaluated_at"), revision: try r.optionalString("revision"))
    }

    private static func publication(_ r: PGRow) throws -> PublicationRecord {
        PublicationRecord(
            id: try r.int64("id"), model: try r.string("model"), version: try r.string("version"),
            deploy: DeploySpec(json: json(try r.string("target"))) ?? .directory(path: "?"),
            formats: PublicationRecord.formats(from: json(try r.string("target"))), artifactDigest: try r.string("artifact_digest"),
            publishedAt: try r.date("published_at"), retiredAt: try r.optionalDate("retired_at"),
            revision: try r.optionalString("revision"), reason: try r.string("reason"))
    }
}

extension PostgresStore {
    /// `uri` with its password, if any, replaced by `***` (for messages and `status`).
    public static func redacted(_ uri: String) -> String { PGConnection.redacted(uri) }
}
