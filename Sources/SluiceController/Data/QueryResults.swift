import Foundation
import Synchronization
import SluiceCore
import SluiceSystem
#if canImport(Glibc)
import Glibc
#endif

/// The results of database sources' queries for one ``DataResolver``, that is one run or one
/// controller cycle: each distinct source and query runs once (when the digest is taken; the
/// frame then reads the same file), and the next cycle's resolver runs it again, so a changed
/// table is seen at the next cycle and nothing stale outlives one.
///
/// Each result is a CSV file in `directory` (the download cache; the system's temporary
/// directory when there is no store yet), named like Sluice's other temporary files
/// (`.query.tmp-PID-RAND`) so that one a killed process left is swept on start
/// (``TemporaryFiles``); the files are removed when the resolver goes away.
final class QueryResults: Sendable {
    /// Where result files are written, if its parent exists.
    let directory: String
    /// The longest a query may run (PostgreSQL's `statement_timeout`; SQLite's query is interrupted).
    let timeout: Double
    /// The largest result kept, in bytes (as for a dataset file).
    let limit: Int
    private let slots = Mutex([String: Slot]())
    /// Result file → the SHA-256 of its content.
    private let digests = Mutex([String: String]())

    /// One query's result, computed once: those who ask meanwhile wait for it.
    private final class Slot: Sendable {
        let result = Mutex<Result<String, any Error>?>(nil)
    }

    init(directory: String, timeout: Double = 600, limit: Int = PosixFiles.datasetLimit) {
        self.directory = directory
        self.timeout = timeout
        self.limit = limit
    }

    deinit {
        for path in digests.withLock({ $0.keys }) { unlink(path) }
    }

    /// The path of the CSV file holding the result of `query` on `source`, running `run` into a
    /// new ``QueryOutput`` the first time.
    /// - Throws: what `run` threw: ``QueryError``, or the database's own error (the same one for
    ///   every caller of a cycle).
    func result(source: String, query: String, run: (QueryOutput) throws -> Void) throws -> String {
        let slot = slots.withLock { slots in
            if let s = slots[source + "\n" + query] { return s }
            let s = Slot()
            slots[source + "\n" + query] = s
            return s
        }
        return try slot.result.withLock { result in
            if result == nil { result = Result { try produce(run) } }
            return try result!.get()
        }
    }

    /// The SHA-256 of a result file this instance wrote, or `nil` for any other path.
    func digest(of path: String) -> String? { digests.withLock { $0[path] } }

    private func produce(_ run: (QueryOutput) throws -> Void) throws -> String {
        // The download cache is made beside an existing store only: a read-only command run
        // before any store exists (`plan`, `validate`) leaves no directory behind.
        let parent = (directory as NSString).deletingLastPathComponent
        let place = FileManager.default.fileExists(atPath: parent) ? directory : FileManager.default.temporaryDirectory.path
        do { try FileManager.default.createDirectory(atPath: place, withIntermediateDirectories: true) } catch {
            throw QueryError("cannot create \(place) for the query's result: \(error.localizedDescription)")
        }
        let output = try QueryOutput(directory: place, limit: limit)
        do { try run(output) } catch {
            output.discard()
            throw error
        }
        let path = output.path
        let digest = try output.finish()
        digests.withLock { $0[path] = digest }
        return path
    }
}

/// Why a database source's query gave no result: the database's own message, without the
/// source (the caller names it, redacted).
struct QueryError: Error, CustomStringConvertible, Sendable {
    var message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}

/// A query's result being written: a file, its running SHA-256 and its size, capped.
/// Used by one thread at a time.
final class QueryOutput {
    let path: String
    let limit: Int
    private let fd: Int32
    private var hash: SHA256? = SHA256()
    private(set) var size = 0

    init(directory: String, limit: Int) throws {
        path = directory + "/.query.tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw QueryError("cannot create \(path): \(String(cString: strerror(errno)))") }
        self.limit = limit
    }

    /// Appends `bytes` to the file and the digest.
    /// - Throws: when the result grows past ``limit`` or the file cannot be written.
    func write(_ bytes: UnsafeRawBufferPointer) throws {
        size += bytes.count
        guard size <= limit else {
            throw QueryError("the result is larger than \(limit) bytes, the limit of a dataset; select fewer rows or columns")
        }
        hash?.update(bytes)
        var offset = 0
        while offset < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                throw QueryError("cannot write \(path): \(String(cString: strerror(errno)))")
            }
            offset += n
        }
    }

    func write(_ text: String) throws {
        var text = text
        try text.withUTF8 { try write(UnsafeRawBufferPointer($0)) }
    }

    /// Closes the file (removed if that fails).
    /// - Returns: the SHA-256 of everything written.
    func finish() throws -> String {
        guard close(fd) == 0 else {
            let message = String(cString: strerror(errno))
            unlink(path)
            throw QueryError("cannot write \(path): \(message)")
        }
        return hash.take()!.finalizeHex()
    }

    /// Closes and removes the file (the query failed).
    func discard() {
        close(fd)
        unlink(path)
    }
}
