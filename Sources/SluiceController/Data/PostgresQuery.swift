import Foundation
import SluiceManifest

/// Reads a `postgres://` dataset source: its query's rows as CSV, straight from the server.
///
/// One connection per query (libpq finds the password in the URI, `PGPASSWORD` or `~/.pgpass`),
/// one read-only transaction at `REPEATABLE READ` (every row from one snapshot), a
/// `statement_timeout`, and `COPY (query) TO STDOUT WITH (FORMAT csv, HEADER)` streamed into
/// the result file and its digest: PostgreSQL writes the CSV, so no type is mapped here.
enum PostgresQuery {
    /// Runs `query` on the database at `uri` into `output`.
    /// - Parameter timeout: seconds the statement may run (`SET LOCAL statement_timeout`).
    /// - Throws: ``PGError`` with the server's or libpq's message, or ``QueryError``.
    static func run(uri: String, query: String, timeout: Double, into output: QueryOutput) throws {
        let connection = try PGConnection(uri: uri, role: "the PostgreSQL dataset")
        let milliseconds = max(1, Int((timeout * 1000).rounded()))
        try connection.transaction("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY") { session in
            try session.exec("SET LOCAL statement_timeout = \(milliseconds)")
            try session.copyOut("COPY (\(DatasetQuery.statement(query))) TO STDOUT WITH (FORMAT csv, HEADER)") { try output.write($0) }
        }
    }
}
