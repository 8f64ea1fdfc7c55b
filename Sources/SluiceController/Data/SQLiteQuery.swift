import Foundation
import GRDB
import SluiceManifest

/// Reads an `sqlite:PATH` dataset source: its query's rows as CSV in PostgreSQL's conventions
/// (``QueryCSV``), so the same rows give the same bytes as from a `postgres://` source.
///
/// The database is opened read-only and read in one transaction (every row from one snapshot);
/// a query that runs longer than the timeout is interrupted.
enum SQLiteQuery {
    /// Runs `query` on the database file at `path` into `output`.
    /// - Throws: GRDB's `DatabaseError` with SQLite's message, or ``QueryError`` (a `BLOB`
    ///   value, a timeout, a result too large).
    static func run(path: String, query: String, timeout: Double, into output: QueryOutput) throws {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.label = "sluice.dataset"
        let database = try DatabaseQueue(path: path, configuration: configuration)
        // Interrupted at the deadline, and again every 100 ms after it (an interruption when no
        // statement runs yet is lost) until the query gives up.
        let interrupter = DispatchSource.makeTimerSource(queue: .global())
        interrupter.schedule(deadline: .now() + timeout, repeating: .milliseconds(100))
        interrupter.setEventHandler { database.interrupt() }
        interrupter.resume()
        defer { interrupter.cancel() }
        do {
            try database.read { db in try write(db, query, into: output) }
        } catch let error as DatabaseError where error.resultCode == .SQLITE_INTERRUPT {
            throw QueryError("the query ran longer than \(timeout.formatted(.number.grouping(.never))) s and was stopped; make it faster or select fewer rows")
        }
    }

    private static func write(_ db: Database, _ query: String, into output: QueryOutput) throws {
        let statement = try db.makeStatement(sql: DatasetQuery.statement(query))
        let names = statement.columnNames
        var buffer = QueryCSV.line(names)
        let rows = try Row.fetchCursor(statement)
        var fields: [String?] = []
        fields.reserveCapacity(names.count)
        while let row = try rows.next() {
            fields.removeAll(keepingCapacity: true)
            for (i, value) in row.databaseValues.enumerated() {
                switch value.storage {
                case .null: fields.append(nil)
                case .int64(let n): fields.append(String(n))
                case .double(let d): fields.append(QueryCSV.double(d))
                case .string(let s): fields.append(s)
                case .blob:
                    throw QueryError("column \"\(names[i])\" holds a BLOB, which is not a dataset value; select it as text or a number (CAST(… AS TEXT), hex(…)) or leave it out")
                }
            }
            buffer += QueryCSV.line(fields)
            if buffer.utf8.count >= 1 << 20 {
                try output.write(buffer)
                buffer = ""
            }
        }
        try output.write(buffer)
    }
}
