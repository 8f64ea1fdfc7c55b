import Dispatch
import Foundation
import Logging
import SluiceCore
import SluiceMonitor
import Synchronization

/// Records what `sluice serve` answers, off the request path.
///
/// The request path only ``offer(_:)``s the rows of an answered request to a bounded queue (capacity
/// ``MonitorOptions/queueCapacity`` rows; when the rows do not fit they are dropped and counted, never
/// waited for). One writer thread drains the queue: it counts every row into the current time bucket's
/// ``WindowStats`` of its (model, version), samples rows into the row log (``RowSampler``), and stores
/// changed buckets (whole, replacing) and the sampled rows in SQLite every ``MonitorOptions/flushInterval``
/// or ``MonitorOptions/flushRows`` rows, and removes what is past retention. A bucket already stored
/// (a restart) is read back before more rows are added to it.
public final class MonitorRecorder: Sendable {
    /// Seams for tests and metrics.
    public struct Hooks: Sendable {
        /// The time rows are stamped with, Unix seconds.
        public var now: @Sendable () -> Double = { Date().timeIntervalSince1970 }
        /// Runs on the writer thread before each drain of the queue (a test can block it here).
        public var beforeDrain: @Sendable () -> Void = {}
        /// Default hooks: the wall clock, nothing else.
        public init() {}
    }

    public let options: MonitorOptions
    let store: MonitorStore
    let hooks: Hooks
    let logger: Logger

    struct Queued {
        var rows: InferenceRows
        var time: Double
    }

    struct QueueState {
        var records: [Queued] = []
        var rows = 0
        var bytes = 0
        var barriers: [@Sendable () -> Void] = []
        var dropped: [String: Int] = [:]
        var stopping = false
    }

    struct BucketKey: Hashable {
        var model: String
        var version: String
        var start: Int64
    }

    struct Bucket {
        var stats: WindowStats
        var dirty: Bool
    }

    let queue = Mutex(QueueState())
    let wake = DispatchSemaphore(value: 0)
    let finished = DispatchSemaphore(value: 0)
    private let stopped = Mutex(false)
    /// How long the stores since the last ``takeFlushDurations()`` took (the most recent 1,000).
    let flushDurations = Mutex([Double]())
    /// Logged rows not stored because a row of the same model, request id and row was logged before, by
    /// model, since the start (request ids must be unique for labels to join).
    let duplicates = Mutex([String: Int]())
    /// The buckets the writer holds in memory (the current ones, and changed ones not yet stored): the
    /// full counts of each, so a reader takes them over the stored copy.
    let buckets = Mutex([BucketKey: Bucket]())

    /// Opens the store in ``MonitorOptions/directory`` and starts the writer thread.
    /// - Throws: ``ServeError`` when the store cannot be opened.
    public init(options: MonitorOptions, logger: Logger, hooks: Hooks = Hooks()) throws(ServeError) {
        self.options = options
        self.logger = logger
        self.hooks = hooks
        store = try MonitorStore(directory: options.directory)
        queue.withLock { $0.records.reserveCapacity(min(options.queueCapacity, 1024)) }
        let thread = Thread { [self] in writerLoop() }
        thread.name = "sluice-monitor-writer"
        thread.start()
    }

    // MARK: The request path

    /// Queues the rows of an answered request for counting, without waiting: when they do not fit in the
    /// queue (``MonitorOptions/queueCapacity`` rows and ``MonitorOptions/queueBytes`` bytes) they are
    /// dropped and counted (``droppedRows``). Models without a reference profile are not recorded.
    /// - Parameter bytes: the memory the request holds while queued, about (the request body's length);
    ///   by default estimated from its inputs (``InferenceRows/estimatedBytes``).
    public func offer(_ rows: InferenceRows, bytes: Int? = nil) {
        guard rows.model.isMonitored, rows.count > 0 else { return }
        let time = hooks.now()
        let size = bytes ?? rows.estimatedBytes
        let (capacity, byteCapacity, busy) = (options.queueCapacity, options.queueBytes, options.flushRows)
        // The writer drains on its own every ``MonitorOptions/drainInterval``; it is woken only when the
        // queue fills past `flushRows`, so a request costs no wake-up (a system call and a thread switch).
        let wakeWriter = queue.withLock { q -> Bool in
            guard !q.stopping, q.rows + rows.count <= capacity, q.bytes + size <= byteCapacity else {
                q.dropped[rows.model.name, default: 0] += rows.count
                return false
            }
            q.records.append(Queued(rows: rows, time: time))
            q.rows += rows.count
            q.bytes += size
            return q.rows >= busy && q.rows - rows.count < busy
        }
        if wakeWriter { wake.signal() }
    }

    /// Rows dropped because the queue was full, by model, since the start.
    public var droppedRows: [String: Int] { queue.withLock { $0.dropped } }

    /// Logged rows not stored because their request id and row were logged before (the first one logged
    /// stays), by model, since the start.
    public var duplicateRows: [String: Int] { duplicates.withLock { $0 } }

    /// Rows waiting for the writer.
    public var queueDepth: Int { queue.withLock { $0.rows } }

    /// The seconds each store took since the last call (for `sluice_monitor_flush_seconds`).
    public func takeFlushDurations() -> [Double] {
        flushDurations.withLock { d in
            defer { d.removeAll() }
            return d
        }
    }

    /// Waits until the writer has counted and stored every row offered before the call (they are then
    /// in ``window(model:seconds:steps:metric:)``, and logged rows can join labels), or `timeout` seconds.
    /// - Returns: whether the writer got there in time.
    public func sync(timeout: Double) async -> Bool {
        let once = Once()
        return await withCheckedContinuation { (c: CheckedContinuation<Bool, Never>) in
            once.set(c)
            queue.withLock { $0.barriers.append { once.resume(true) } }
            wake.signal()
            DispatchQueue.global().asyncAfter(deadline: .now() + timeout) { once.resume(false) }
        }
    }

    /// Counts what is queued, stores it and stops the writer; later offers are dropped. Idempotent.
    public func stop() {
        let first = stopped.withLock { s in
            defer { s = true }
            return !s
        }
        guard first else { return }
        queue.withLock { $0.stopping = true }
        wake.signal()
        finished.wait()
        store.close()
    }

    /// Stores labels (durably: the call returns after the transaction commits).
    /// - Throws: the database's error when they cannot be stored.
    public func addFeedback(model: String, items: [FeedbackItem]) async throws {
        try await store.addFeedback(model: model, items: items, received: hooks.now())
    }

    /// `value` rounded down to a multiple of `step` (also below zero).
    static func floor(_ value: Int64, _ step: Int64) -> Int64 {
        let q = value / step
        return (value % step != 0 && value < 0 ? q - 1 : q) * step
    }
}
