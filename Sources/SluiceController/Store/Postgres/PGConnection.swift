import CLibPQ
import Dispatch
import Foundation

/// One libpq connection to a PostgreSQL server, every call of which runs on its own serial queue
/// (a dispatch thread, never the Swift cooperative pool: libpq blocks on the network).
///
/// The store API is synchronous, as SQLite's is: a caller waits for its call to finish on the
/// queue. The password comes from the URI, `PGPASSWORD` or `~/.pgpass`, as libpq finds it.
final class PGConnection: @unchecked Sendable {
    // `conn` is only touched on `queue`.
    private let queue: DispatchQueue
    private(set) var conn: OpaquePointer?
    /// The URI without its password, for messages.
    let label: String
    /// What the connection is for, in messages ("the PostgreSQL store", "the PostgreSQL dataset").
    let role: String
    /// Session settings, run again after a reconnection (a new session has none of them).
    private let setup: [String]

    /// Connects to `uri` (`postgres://user@host:port/db`, or libpq's `key=value` form).
    /// - Parameters:
    ///   - setup: statements run at the start of every session (`SET search_path …`).
    ///   - role: what the connection is for, in messages.
    /// - Throws: ``PGError`` with libpq's message when the server cannot be reached or refuses.
    /// - Parameter storePassword: whether this is the store's connection, which is given the
    ///   `PGPASSWORD` the binary took at start (``StorePassword``) when the URI has none. A dataset's
    ///   connection is not: its host comes from a manifest.
    init(uri: String, setup: [String] = [], role: String = "the PostgreSQL store", storePassword: Bool = true) throws {
        label = PGConnection.redacted(uri)
        self.role = role
        self.setup = ["SET client_min_messages TO warning"] + setup
        queue = DispatchQueue(label: "sluice.store.postgres")
        try run {
            let password = storePassword ? StorePassword.current : nil
            let c = password.map { PGConnection.connect(uri, password: $0) } ?? PQconnectdb(PGConnection.withTimeouts(uri))
            guard let c, PQstatus(c) == CONNECTION_OK else {
                let message = c.map { String(cString: PQerrorMessage($0)) } ?? "out of memory"
                if let c { PQfinish(c) }
                throw PGError(message: "cannot connect to \(self.role) \(self.label): \(PGError.trimmed(message))", sqlState: nil)
            }
            self.conn = c
            // Notices ("schema already exists, skipping") are not for the user's terminal.
            for statement in self.setup { _ = try self.execute(statement, [], reconnect: false) }
        }
    }

    deinit {
        if let conn { PQfinish(conn) }
    }

    /// Runs one statement with its parameters (`$1`, `$2`, …) and returns its rows. Outside a
    /// transaction a statement may be sent twice when the session was lost: only reads and
    /// idempotent statements go here; writes go in ``transaction(_:_:)``.
    @discardableResult
    func exec(_ sql: String, _ params: [PGValue?] = []) throws -> PGResult {
        try run { try self.execute(sql, params, reconnect: true) }
    }

    /// Runs `body` in one transaction (committed when it returns, rolled back when it throws).
    /// Every statement of `body` runs on the connection's queue, with no other caller's between.
    func transaction<T>(_ begin: String = "BEGIN", _ body: (PGSession) throws -> T) throws -> T {
        try run {
            _ = try self.execute(begin, [], reconnect: true)
            do {
                let out = try body(PGSession(connection: self))
                _ = try self.execute("COMMIT", [], reconnect: false)
                return out
            } catch {
                _ = try? self.execute("ROLLBACK", [], reconnect: false)
                throw error
            }
        }
    }

    /// Runs `work` on the queue and waits for it.
    private func run<T>(_ work: () throws -> T) throws -> T {
        try withoutActuallyEscaping(work) { work in
            var result: Result<T, any Error>?
            // The queue's block holds the job, not `work`: the job lets go of `work` before
            // this returns, as `withoutActuallyEscaping` requires.
            let job = Job { result = Result { try work() } }
            let done = DispatchSemaphore(value: 0)
            queue.async {
                job.work?()
                done.signal()
            }
            done.wait()
            job.work = nil
            return try result!.get()
        }
    }

    /// A closure handed to the queue, cleared once it ran.
    private final class Job: @unchecked Sendable {
        var work: (() -> Void)?
        init(_ work: @escaping () -> Void) { self.work = work }
    }

    /// On the queue: sends one statement (text parameters, `bytea` ones in binary) and reads its
    /// result.
    /// - Parameter reconnect: whether a connection the server dropped may be reset first (and its
    ///   session set up again): only outside a transaction. Inside one, the transaction is gone
    ///   with the session, and its later statements must fail rather than run on their own
    ///   (without the writer-lease check that began it).
    fileprivate func execute(_ sql: String, _ params: [PGValue?], reconnect: Bool) throws -> PGResult {
        do { return try attempt(sql, params, reconnect: reconnect) } catch let error as PGError where reconnect && conn.map({ PQstatus($0) != CONNECTION_OK }) == true {
            // The session was gone before the statement (a server restart, an idle timeout, an
            // administrator): outside a transaction it is sent once more, on a new session. Such
            // statements are reads, `BEGIN` and idempotent ones (``exec(_:_:)``), so twice is safe.
            _ = error
            return try attempt(sql, params, reconnect: true)
        }
    }

    private func attempt(_ sql: String, _ params: [PGValue?], reconnect: Bool) throws -> PGResult {
        guard let conn else { throw PGError(message: "\(role) \(label) is not connected", sqlState: nil) }
        if PQstatus(conn) != CONNECTION_OK {
            guard reconnect else {
                throw PGError(message: "the connection to the PostgreSQL store \(label) was lost in a transaction; nothing of it was written", sqlState: nil)
            }
            PQreset(conn)
            guard PQstatus(conn) == CONNECTION_OK else {
                throw PGError(message: "cannot reconnect to \(role) \(label): \(PGError.trimmed(String(cString: PQerrorMessage(conn))))", sqlState: nil)
            }
            for statement in setup { _ = try execute(statement, [], reconnect: false) }
        }
        var buffers: [[CChar]?] = []
        var lengths: [Int32] = []
        var formats: [Int32] = []
        for p in params {
            switch p {
            case nil:
                buffers.append(nil); lengths.append(0); formats.append(0)
            case .text(let s)?:
                buffers.append(Array(s.utf8CString)); lengths.append(0); formats.append(0)
            case .bytes(let b)?:
                buffers.append(b.map { CChar(bitPattern: $0) }); lengths.append(Int32(b.count)); formats.append(1)
            }
        }
        let result: OpaquePointer? = withPointers(buffers) { values in
            PQexecParams(conn, sql, Int32(params.count), nil, values, lengths, formats, 0)
        }
        guard let result else {
            throw PGError(message: PGError.trimmed(String(cString: PQerrorMessage(conn))), sqlState: nil)
        }
        let status = PQresultStatus(result)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else {
            let message = String(cString: PQresultErrorMessage(result))
            let state = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) }
            PQclear(result)
            throw PGError(message: PGError.trimmed(message), sqlState: state)
        }
        return PGResult(result)
    }

    /// Calls `body` with C pointers to `buffers` (nil for SQL NULL), valid during the call.
    private func withPointers<R>(_ buffers: [[CChar]?], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
        var pointers: [UnsafePointer<CChar>?] = []
        func next(_ i: Int) -> R {
            if i == buffers.count { return body(pointers) }
            guard let b = buffers[i] else {
                pointers.append(nil)
                return next(i + 1)
            }
            return b.withUnsafeBufferPointer { p in
                pointers.append(p.baseAddress ?? UnsafePointer(bitPattern: 1))
                return next(i + 1)
            }
        }
        return next(0)
    }

    /// The settings that keep a lost server from hanging a replica, unless `uri` sets them: give
    /// up connecting after 10 s (libpq waits forever by default), find a dead peer by TCP
    /// keepalives within a minute (the system's default is two hours), and give up on data the
    /// server has not acknowledged for a minute (a partition in the middle of a query would
    /// otherwise hold the connection, and every lease renewal queued behind it, for ~15 minutes).
    static let timeouts = ["connect_timeout": "10", "keepalives_idle": "30", "keepalives_interval": "10", "keepalives_count": "3",
                           "tcp_user_timeout": "60000"]

    /// `uri` (a `postgres://` URI or a `key=value` string) with ``timeouts`` it does not set.
    /// Connects with `password` set before the URI's parameters, so that the URI's own password
    /// (if it has one) overrides it.
    static func connect(_ uri: String, password: String) -> OpaquePointer? {
        let keywords = ["password", "dbname"], values = [password, withTimeouts(uri)]
        let k = keywords.map { strdup($0) }, v = values.map { strdup($0) }
        defer { (k + v).forEach { free($0) } }
        let kp: [UnsafePointer<CChar>?] = k.map { UnsafePointer($0) } + [nil]
        let vp: [UnsafePointer<CChar>?] = v.map { UnsafePointer($0) } + [nil]
        return PQconnectdbParams(kp, vp, 1)
    }

    static func withTimeouts(_ uri: String) -> String {
        let missing = timeouts.keys.sorted().filter { !uri.contains("\($0)=") }
        guard !missing.isEmpty else { return uri }
        if uri.hasPrefix("postgres://") || uri.hasPrefix("postgresql://") {
            let pairs = missing.map { "\($0)=\(timeouts[$0]!)" }.joined(separator: "&")
            return uri + (uri.contains("?") ? "&" : "?") + pairs
        }
        return uri + missing.map { " \($0)=\(timeouts[$0]!)" }.joined()
    }

    /// `uri` with any password replaced by `***`.
    static func redacted(_ uri: String) -> String {
        var out = uri
        if let scheme = out.range(of: "://"), let at = out[scheme.upperBound...].firstIndex(of: "@"),
           let colon = out[scheme.upperBound..<at].firstIndex(of: ":") {
            out.replaceSubrange(out.index(after: colon)..<at, with: "***")
        }
        if let range = out.range(of: #"password=[^& ]*"#, options: .regularExpression) {
            out.replaceSubrange(range, with: "password=***")
        }
        return out
    }
}

/// Statements inside one ``PGConnection/transaction(_:_:)``.
struct PGSession {
    let connection: PGConnection

    @discardableResult
    func exec(_ sql: String, _ params: [PGValue?] = []) throws -> PGResult {
        try connection.execute(sql, params, reconnect: false)
    }
}

/// A statement parameter: text (PostgreSQL parses it as the column's type) or raw `bytea` bytes.
enum PGValue: Sendable {
    case text(String)
    case bytes([UInt8])
}

extension PGValue {
    static func string(_ s: String?) -> PGValue? { s.map(PGValue.text) }
    static func double(_ d: Double?) -> PGValue? { d.map { .text("\($0)") } }
    static func int(_ i: Int64?) -> PGValue? { i.map { .text("\($0)") } }
    static func int(_ i: Int?) -> PGValue? { i.map { .text("\($0)") } }
    static func bool(_ b: Bool) -> PGValue? { .text(b ? "true" : "false") }
    static func date(_ d: Date?) -> PGValue? { double(d?.timeIntervalSince1970) }

    /// A one-dimensional array in PostgreSQL's text form (`{"a","b\"c",NULL}`), cast in the
    /// statement (`$1::text[]`, `$2::float8[]`): many rows' values in one parameter, so that one
    /// statement (`unnest`, `= ANY`) does the work of many round trips. Every element is quoted
    /// (with `"` and `\` escaped), so no text reads as `NULL`, a separator or a brace.
    static func array(_ items: [String?]) -> PGValue {
        var out = "{"
        out.reserveCapacity(items.count * 16 + 2)
        for (i, item) in items.enumerated() {
            if i > 0 { out += "," }
            guard let item else {
                out += "NULL"
                continue
            }
            out += "\""
            if item.utf8.contains(where: { $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
                for c in item.unicodeScalars {
                    if c == "\"" || c == "\\" { out += "\\" }
                    out.unicodeScalars.append(c)
                }
            } else {
                out += item
            }
            out += "\""
        }
        return .text(out + "}")
    }

    static func array(_ dates: [Date?]) -> PGValue { array(dates.map { $0.map { "\($0.timeIntervalSince1970)" } }) }
}

/// An error from the PostgreSQL server or libpq: its message and SQLSTATE code, if any.
struct PGError: Error, CustomStringConvertible, Sendable {
    var message: String
    /// The five-character SQLSTATE (`23505` unique violation, `42P01` undefined table, …).
    var sqlState: String?
    var description: String { sqlState.map { "\(message) (SQLSTATE \($0))" } ?? message }

    static func trimmed(_ s: String) -> String {
        s.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n")
            .map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: "; ")
    }
}

extension PGValue {
    /// A `text[]` parameter, in PostgreSQL's array syntax (`nil` elements are SQL NULL).
    static func array(_ items: [String?]) -> PGValue? {
        let elements = items.map { item -> String in
            guard let item else { return "NULL" }
            var quoted = "\""
            for c in item.unicodeScalars {
                if c == "\"" || c == "\\" { quoted.append("\\") }
                quoted.unicodeScalars.append(c)
            }
            return quoted + "\""
        }
        return .text("{" + elements.joined(separator: ",") + "}")
    }

    static func array(_ items: [String]) -> PGValue? { array(items.map(Optional.some)) }
}
