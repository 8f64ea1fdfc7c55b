import Foundation
import SluiceManifest

/// Reads a `postgres://` dataset source: its query's rows as CSV, straight from the server.
///
/// One connection per query, one read-only transaction at `REPEATABLE READ` (every row from one
/// snapshot), a `statement_timeout`, and the query itself, alone, through the extended protocol
/// (``PGSession/rows(_:header:row:)``: one statement, nothing spliced around it), its rows
/// streamed into the result file and its digest as CSV written the way PostgreSQL's `COPY … CSV`
/// writes it (``QueryCSV``, from each value's text output: no type is mapped here).
enum PostgresQuery {
    /// Runs `query` on the database at `uri` into `output`.
    /// - Parameter timeout: seconds the statement may run (`SET LOCAL statement_timeout`).
    /// - Throws: ``PGError`` with the server's or libpq's message, or ``QueryError``.
    static func run(uri: String, query: String, timeout: Double, into output: QueryOutput) throws {
        let connection = try PGConnection(uri: uri, role: "the PostgreSQL dataset", storePassword: false)
        let milliseconds = max(1, Int((timeout * 1000).rounded()))
        try connection.transaction("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY") { session in
            try session.exec("SET LOCAL statement_timeout = \(milliseconds)")
            var buffer = ""
            try session.rows(DatasetQuery.statement(query), header: { names in buffer = QueryCSV.line(names) }) { fields in
                buffer += QueryCSV.line(fields)
                if buffer.utf8.count >= 1 << 16 {
                    try output.write(buffer)
                    buffer = ""
                }
            }
            try output.write(buffer)
        }
    }
}
