import NIOCore
import NIOPosix
import SluiceServe

/// Where inference runs. Request handlers run on Swift concurrency's shared threads (one per
/// core), so two large predictions on a two-core machine would hold every one of them and stall
/// every other request until they finish. Large work goes instead to a small pool of its own
/// threads, at most half the cores at once and the rest queued in order, while small requests
/// (nearly all of them) run where they are, without a thread hop.
struct InferenceWork: Sendable {
    /// Bodies of at least this many bytes are decoded on the pool.
    static let largeBody = 64 << 10
    /// Requests of at least this much work (see ``ServedModel/cost(of:)``) predict on the pool.
    static let largeCost = 1 << 20

    private let pool: NIOThreadPool

    /// The process's pool for large inference work, started on first use and never stopped.
    static let shared = InferenceWork(threads: max(1, System.coreCount / 2))

    /// The process's pool for the monitor routes' SQLite reads, so that a report never holds a thread
    /// that answers inference requests.
    static let monitorReads = InferenceWork(threads: 1)

    init(threads: Int) {
        pool = NIOThreadPool(numberOfThreads: threads)
        pool.start()
    }

    /// Runs blocking work (a database read) on the pool, in the order it was asked for.
    func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await pool.runIfActive(body)
    }

    /// Decodes and runs an inference request, on the pool when it is large.
    /// - Parameter assignID: give a request without an `id` a generated one (a UUID), echoed in the
    ///   response, so that its rows can be labelled later (``RequestID``).
    /// - Returns: the response, and the request's rows for the monitor.
    func infer(_ body: ByteBuffer, headerLength: Int?, model: ServedModel, assignID: Bool = false) async throws -> (response: InferenceResponse, rows: InferenceRows) {
        let decode = { @Sendable () throws(ServeError) -> InferenceRequest in
            var request = try body.withUnsafeReadableBytes { raw throws(ServeError) in
                try InferenceRequest.decode(raw.assumingMemoryBound(to: UInt8.self), headerLength: headerLength, limit: model.inputLimit)
            }
            if assignID, request.id == nil { request.id = RequestID.next() }
            return request
        }
        if body.readableBytes >= Self.largeBody {
            return try await pool.runIfActive { try model.run(try decode()) }
        }
        let request = try decode()
        if model.cost(of: request) >= Self.largeCost {
            return try await pool.runIfActive { try model.run(request) }
        }
        return try model.run(request)
    }
}
