import CLibPQ
import Foundation

extension PGSession {
    /// Runs ONE statement through the extended query protocol (`PQsendQueryParams`, which the
    /// server refuses for a string of several statements) and hands its column names, then each
    /// row's values in text form (`nil`: NULL), to the sinks as they arrive (single-row mode): a
    /// large result is never held whole in memory.
    ///
    /// Nothing is spliced into other SQL: a dataset's query runs as its author wrote it, inside the
    /// caller's read-only transaction, and cannot close a parenthesis or append a statement.
    /// - Returns: the number of rows.
    /// - Throws: ``PGError`` with the server's message (a syntax error, a timeout, a lost
    ///   connection, a statement that returns no rows), or what a sink throws (after which the
    ///   statement is cancelled and its results drained).
    @discardableResult
    func rows(_ sql: String, header: ([String]) throws -> Void, row: ([String?]) throws -> Void) throws -> Int {
        guard let conn = connection.conn, PQstatus(conn) == CONNECTION_OK else {
            throw PGError(message: "\(connection.role) \(connection.label) is not connected", sqlState: nil)
        }
        guard PQsendQueryParams(conn, sql, 0, nil, nil, nil, nil, 0) == 1 else {
            throw PGError(message: PGError.trimmed(String(cString: PQerrorMessage(conn))), sqlState: nil)
        }
        _ = PQsetSingleRowMode(conn)
        var count = 0
        var failure: (any Error)?
        var sawHeader = false
        while let result = PQgetResult(conn) {
            defer { PQclear(result) }
            guard failure == nil else { continue }  // drained after a failure
            switch PQresultStatus(result) {
            case PGRES_SINGLE_TUPLE, PGRES_TUPLES_OK:
                let columns = Int(PQnfields(result))
                do {
                    if !sawHeader {
                        sawHeader = true
                        try header((0..<columns).map { String(cString: PQfname(result, Int32($0))) })
                    }
                    for r in 0..<Int(PQntuples(result)) {
                        try row((0..<columns).map { c in
                            PQgetisnull(result, Int32(r), Int32(c)) == 1 ? nil : String(cString: PQgetvalue(result, Int32(r), Int32(c)))
                        })
                        count += 1
                    }
                } catch {
                    failure = error
                    Self.cancel(conn)
                }
            case PGRES_COMMAND_OK:
                failure = PGError(message: "the statement returned no rows (it is not a query: \(String(cString: PQcmdStatus(result))))", sqlState: nil)
            default:
                failure = Self.error(result, conn)
            }
        }
        if let failure { throw failure }
        return count
    }

    /// Asks the server to cancel the statement under way (a new connection of libpq's).
    private static func cancel(_ conn: OpaquePointer) {
        guard let cancel = PQgetCancel(conn) else { return }
        defer { PQfreeCancel(cancel) }
        var message = [CChar](repeating: 0, count: 256)
        _ = PQcancel(cancel, &message, Int32(message.count))
    }

    /// The error of a failed result: the server's message and SQLSTATE, or the result's status
    /// when there is no message.
    private static func error(_ result: OpaquePointer, _ conn: OpaquePointer) -> PGError {
        var message = String(cString: PQresultErrorMessage(result))
        if message.isEmpty { message = String(cString: PQerrorMessage(conn)) }
        if message.isEmpty { message = "unexpected result \(String(cString: PQresStatus(PQresultStatus(result))))" }
        let state = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) }
        return PGError(message: PGError.trimmed(message), sqlState: state)
    }
}
