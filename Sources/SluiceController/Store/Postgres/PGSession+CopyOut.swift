import CLibPQ
import Foundation

extension PGSession {
    /// Runs a `COPY … TO STDOUT` statement and hands its output to `sink`, chunk by chunk, as
    /// libpq receives it (``PQgetCopyData``): a large result is never held whole in memory.
    /// - Returns: the number of bytes copied.
    /// - Throws: ``PGError`` with the server's message (a syntax error, a timeout, a lost
    ///   connection), or what `sink` throws (after which the statement's rest is drained).
    @discardableResult
    func copyOut(_ sql: String, into sink: (UnsafeRawBufferPointer) throws -> Void) throws -> Int {
        guard let conn = connection.conn, PQstatus(conn) == CONNECTION_OK else {
            throw PGError(message: "\(connection.role) \(connection.label) is not connected", sqlState: nil)
        }
        guard let started = PQexec(conn, sql) else {
            throw PGError(message: PGError.trimmed(String(cString: PQerrorMessage(conn))), sqlState: nil)
        }
        let status = PQresultStatus(started)
        if status != PGRES_COPY_OUT {
            defer { PQclear(started) }
            throw Self.error(started, conn)
        }
        PQclear(started)
        var total = 0
        var failure: (any Error)?
        while true {
            var buffer: UnsafeMutablePointer<CChar>?
            let n = PQgetCopyData(conn, &buffer, 0)
            if n > 0, let buffer {
                defer { PQfreemem(buffer) }
                total += Int(n)
                // After a failed sink the rest is read and dropped: the connection must reach the
                // end of the COPY before it can run another statement (the ROLLBACK).
                // The server is asked to stop sending.
                if failure == nil {
                    do { try sink(UnsafeRawBufferPointer(start: buffer, count: Int(n))) } catch {
                        failure = error
                        Self.cancel(conn)
                    }
                }
                continue
            }
            if n == -2 { failure = failure ?? PGError(message: PGError.trimmed(String(cString: PQerrorMessage(conn))), sqlState: nil) }
            break
        }
        // The COPY's own result, then the end of the results.
        var finalError: PGError?
        while let result = PQgetResult(conn) {
            if PQresultStatus(result) != PGRES_COMMAND_OK, finalError == nil { finalError = Self.error(result, conn) }
            PQclear(result)
        }
        if let failure { throw failure }
        if let finalError { throw finalError }
        return total
    }

    /// Asks the server to cancel the statement under way (a new connection of libpq's).
    private static func cancel(_ conn: OpaquePointer) {
        guard let cancel = PQgetCancel(conn) else { return }
        defer { PQfreeCancel(cancel) }
        var message = [CChar](repeating: 0, count: 256)
        _ = PQcancel(cancel, &message, Int32(message.count))
    }

    /// The error of a failed result: the server's message and SQLSTATE.
    private static func error(_ result: OpaquePointer, _ conn: OpaquePointer) -> PGError {
        var message = String(cString: PQresultErrorMessage(result))
        if message.isEmpty { message = String(cString: PQerrorMessage(conn)) }
        let state = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) }
        return PGError(message: PGError.trimmed(message), sqlState: state)
    }
}
