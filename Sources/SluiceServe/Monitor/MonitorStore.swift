import Foundation
import GRDB
import SluiceMonitor
import Synchronization

/// The monitor's SQLite file, `<monitor-dir>/monitor.db` (WAL mode): time buckets of counts, the sampled
/// row log and the feedback (ground truth). The recorder's writer thread is the only writer of buckets and
/// rows; feedback is written by the feedback route in its own short transaction (SQLite serialises the two).
///
/// The file is created on the first write, so a server that records nothing leaves nothing behind; until
/// then reads find nothing.
final class MonitorStore: Sendable {
    /// The directory and the database file.
    let directory: String
    let path: String
    // GRDB's DatabasePool is thread-safe; the mutex only guards opening it once.
    private let opened = Mutex<DatabasePool?>(nil)

    /// One logged row.
    struct LoggedRow: Equatable {
        var model: String
        var version: String
        var id: String
        var row: Int
        var time: Double
        /// The raw feature values, a JSON array in feature order.
        var features: String
        /// The predicted label (classifiers) or value (regressors), as JSON text.
        var prediction: String
        /// The predicted class index (classifiers).
        var classIndex: Int?
        /// The predicted value (regressors).
        var value: Double?
        /// The predicted class's probability (classifiers).
        var confidence: Double?

        /// The bytes the row takes, about (for the row log's byte limit).
        var bytes: Int { 64 + model.utf8.count + version.utf8.count + id.utf8.count + features.utf8.count + prediction.utf8.count }
    }

    /// A logged row joined with its label.
    struct LabelledRow {
        var time: Double
        var classIndex: Int?
        var value: Double?
        /// The truth, as JSON text.
        var truth: String
    }

    /// The store in `directory`, opened at once when its file exists (a restart), else on the first write.
    /// - Throws: ``ServeError`` (500) saying which file cannot be opened and why.
    init(directory: String) throws(ServeError) {
        self.directory = directory
        path = directory + "/monitor.db"
        // Checked now, so that a directory that can never hold the file stops the server at its start.
        var ancestor = directory
        while !FileManager.default.fileExists(atPath: ancestor), ancestor != "/", !ancestor.isEmpty {
            ancestor = (ancestor as NSString).deletingLastPathComponent
        }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: ancestor, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw ServeError(500, "\(ancestor) is a file, not a directory; point --monitor-dir at a directory (or leave it out: <repository>/.sluice-monitor)")
        }
        guard FileManager.default.isWritableFile(atPath: ancestor.isEmpty ? "." : ancestor) else {
            throw ServeError(500, "\(ancestor) is not writable; point --monitor-dir at a directory sluice serve may write to")
        }
        _ = try pool(create: false)
    }

    /// The open database; opens it first (creating it when `create`), or `nil` when there is none yet.
    private func pool(create: Bool) throws(ServeError) -> DatabasePool? {
        let (directory, path) = (directory, path)
        return try opened.withLock { (open: inout DatabasePool?) throws(ServeError) -> DatabasePool? in
            if let open { return open }
            guard create || FileManager.default.fileExists(atPath: path) else { return nil }
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
                var config = Configuration()
                config.busyMode = .timeout(10)
                config.label = "sluice.monitor"
                let pool = try DatabasePool(path: path, configuration: config)
                try Self.migrator.migrate(pool)
                open = pool
                return pool
            } catch let error as DatabaseError {
                throw ServeError(500, "cannot open the monitor database \(path): \(error.message ?? error.description); move it aside or point --monitor-dir elsewhere")
            } catch {
                throw ServeError(500, "cannot create the monitor directory \(directory): \(error.localizedDescription); point --monitor-dir at a writable directory")
            }
        }
    }

    /// The schema; never edit a shipped migration, add one.
    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE buckets (
                    model TEXT NOT NULL, version TEXT NOT NULL, start INTEGER NOT NULL, rows INTEGER NOT NULL, stats BLOB NOT NULL,
                    PRIMARY KEY (model, version, start)) WITHOUT ROWID;
                CREATE INDEX buckets_age ON buckets (start);
                CREATE TABLE rows (
                    model TEXT NOT NULL, id TEXT NOT NULL, row INTEGER NOT NULL, version TEXT NOT NULL, ts REAL NOT NULL,
                    features TEXT NOT NULL, prediction TEXT NOT NULL, class INTEGER, value REAL, confidence REAL, bytes INTEGER NOT NULL,
                    PRIMARY KEY (model, id, row));
                CREATE INDEX rows_time ON rows (model, version, ts);
                CREATE INDEX rows_age ON rows (ts);
                CREATE TABLE feedback (
                    model TEXT NOT NULL, id TEXT NOT NULL, row INTEGER NOT NULL, truth TEXT NOT NULL, ts REAL, received REAL NOT NULL,
                    PRIMARY KEY (model, id, row));
                CREATE INDEX feedback_age ON feedback (received);
                """)
        }
        return m
    }

    func close() { opened.withLock { try? $0?.close() } }

    // MARK: Buckets and rows (the writer)

    /// The stored counts of one bucket, or `nil` when there are none.
    func bucket(model: String, version: String, start: Int64, profile: ReferenceProfile) throws -> WindowStats? {
        guard let pool = try pool(create: false) else { return nil }
        return try pool.read { db in
            guard let data = try Data.fetchOne(db, sql: "SELECT stats FROM buckets WHERE model = ? AND version = ? AND start = ?",
                                               arguments: [model, version, start]) else { return nil }
            return try WindowStats(blob: Array(data), profile: profile)
        }
    }

    /// Stores whole buckets (replacing what was stored) and appends logged rows, in one transaction.
    ///
    /// A row whose (model, id, row) is logged already is not stored: the first one logged stays, so a later
    /// request that reuses an id never changes which version answered a labelled row.
    /// - Returns: the rows not stored because their id was logged already, by model.
    @discardableResult
    func write(buckets: [(model: String, version: String, start: Int64, stats: WindowStats)], rows: [LoggedRow]) throws -> [String: Int] {
        try pool(create: true)!.write { db in
            var duplicates: [String: Int] = [:]
            for b in buckets {
                try db.execute(sql: "INSERT OR REPLACE INTO buckets (model, version, start, rows, stats) VALUES (?, ?, ?, ?, ?)",
                               arguments: [b.model, b.version, b.start, b.stats.rows, Data(b.stats.blob)])
            }
            for r in rows {
                try db.execute(sql: """
                    INSERT OR IGNORE INTO rows (model, id, row, version, ts, features, prediction, class, value, confidence, bytes)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [r.model, r.id, r.row, r.version, r.time, r.features, r.prediction, r.classIndex, r.value, r.confidence, r.bytes])
                if db.changesCount == 0 { duplicates[r.model, default: 0] += 1 }
            }
            return duplicates
        }
    }

    /// Removes buckets, rows and feedback older than their retention, then the oldest rows until the row
    /// log is within `maxRowBytes`. Returns the rows removed.
    @discardableResult
    func prune(now: Double, aggregates: Double, rows: Double, feedback: Double, maxRowBytes: Int) throws -> Int {
        guard let pool = try pool(create: false) else { return 0 }
        return try pool.write { db in
            try db.execute(sql: "DELETE FROM buckets WHERE start < ?", arguments: [Int64((now - aggregates).rounded(.down))])
            try db.execute(sql: "DELETE FROM rows WHERE ts < ?", arguments: [now - rows])
            var removed = db.changesCount
            try db.execute(sql: "DELETE FROM feedback WHERE received < ?", arguments: [now - feedback])
            var total = try Int.fetchOne(db, sql: "SELECT COALESCE(SUM(bytes), 0) FROM rows") ?? 0
            while total > maxRowBytes {
                // The oldest rows, a thousand at a time, until the log fits.
                let cut = try Row.fetchAll(db, sql: "SELECT rowid, bytes FROM rows ORDER BY ts LIMIT 1000")
                guard !cut.isEmpty else { break }
                var ids: [Int64] = []
                for row in cut {
                    guard total > maxRowBytes else { break }
                    ids.append(row["rowid"])
                    total -= row["bytes"] as Int
                }
                try db.execute(sql: "DELETE FROM rows WHERE rowid IN (\(ids.map { _ in "?" }.joined(separator: ",")))",
                               arguments: StatementArguments(ids))
                removed += ids.count
            }
            return removed
        }
    }

    // MARK: Feedback

    /// Stores labels (a label given again for the same row replaces the earlier one), durably, in one
    /// transaction.
    func addFeedback(model: String, items: [FeedbackItem], received: Double) async throws {
        try await pool(create: true)!.write { db in
            for item in items {
                try db.execute(sql: "INSERT OR REPLACE INTO feedback (model, id, row, truth, ts, received) VALUES (?, ?, ?, ?, ?, ?)",
                               arguments: [model, item.id, item.row, String(decoding: item.truth.canonicalBytes(), as: UTF8.self), item.time, received])
            }
        }
    }

    // MARK: Reading (the monitor route)

    /// Calls `body` with the start and stored form (``WindowStats/blob``) of each stored bucket of a
    /// version starting in [from, to).
    func forEachBucket(model: String, version: String, from: Int64, to: Int64,
                       _ body: (Int64, UnsafeRawBufferPointer) throws -> Void) throws {
        guard let pool = try pool(create: false) else { return }
        try pool.read { db in
            let cursor = try Row.fetchCursor(db, sql: "SELECT start, stats FROM buckets WHERE model = ? AND version = ? AND start >= ? AND start < ?",
                                             arguments: [model, version, from, to])
            while let row = try cursor.next() {
                let start: Int64 = row[0]
                // The blob is read where SQLite holds it, not copied.
                try row.withUnsafeData(atIndex: 1) { data in try (data ?? Data()).withUnsafeBytes { try body(start, $0) } }
            }
        }
    }

    /// The logged rows of a version in [from, to) that have a label.
    func labelledRows(model: String, version: String, from: Double, to: Double) throws -> [LabelledRow] {
        guard let pool = try pool(create: false) else { return [] }
        return try pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT r.ts, r.class, r.value, f.truth FROM rows r JOIN feedback f ON f.model = r.model AND f.id = r.id AND f.row = r.row
                WHERE r.model = ? AND r.version = ? AND r.ts >= ? AND r.ts < ?
                """, arguments: [model, version, from, to]).map { row in
                LabelledRow(time: row["ts"], classIndex: row["class"], value: row["value"], truth: row["truth"])
            }
        }
    }

    /// Labels of a model kept (within retention) that match no logged row: rows that were not sampled,
    /// were pruned, or are still to come.
    func unmatchedLabels(model: String) throws -> Int {
        guard let pool = try pool(create: false) else { return 0 }
        return try pool.read { db in
            try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM feedback f WHERE f.model = ?
                AND NOT EXISTS (SELECT 1 FROM rows r WHERE r.model = f.model AND r.id = f.id AND r.row = f.row)
                """, arguments: [model]) ?? 0
        }
    }

    /// The logged rows of a model since `since` (labelled ones only, when asked), oldest first, at most `limit`.
    func loggedRows(model: String, since: Double, labelledOnly: Bool, limit: Int) throws -> [(row: LoggedRow, truth: String?)] {
        guard let pool = try pool(create: false) else { return [] }
        return try pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT r.*, f.truth FROM rows r \(labelledOnly ? "" : "LEFT ") JOIN feedback f ON f.model = r.model AND f.id = r.id AND f.row = r.row
                WHERE r.model = ? AND r.ts >= ? ORDER BY r.ts, r.id, r.row LIMIT ?
                """, arguments: [model, since, limit]).map { row in
                (LoggedRow(model: row["model"], version: row["version"], id: row["id"], row: row["row"], time: row["ts"], features: row["features"],
                           prediction: row["prediction"], classIndex: row["class"], value: row["value"], confidence: row["confidence"]),
                 row["truth"])
            }
        }
    }
}
