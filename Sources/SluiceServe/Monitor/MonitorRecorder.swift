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

    private struct Queued {
        var rows: InferenceRows
        var time: Double
    }

    private struct QueueState {
        var records: [Queued] = []
        var rows = 0
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

    private let queue = Mutex(QueueState())
    private let wake = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private let stopped = Mutex(false)
    /// How long the stores since the last ``takeFlushDurations()`` took (the most recent 1,000).
    private let flushDurations = Mutex([Double]())
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
    /// queue they are dropped and counted (``droppedRows``). Models without a reference profile are not
    /// recorded.
    public func offer(_ rows: InferenceRows) {
        guard rows.model.isMonitored, rows.count > 0 else { return }
        let time = hooks.now()
        let capacity = options.queueCapacity
        let first = queue.withLock { q -> Bool in
            guard !q.stopping, q.rows + rows.count <= capacity else {
                q.dropped[rows.model.name, default: 0] += rows.count
                return false
            }
            q.records.append(Queued(rows: rows, time: time))
            q.rows += rows.count
            return q.records.count == 1
        }
        if first { wake.signal() }
    }

    /// Rows dropped because the queue was full, by model, since the start.
    public var droppedRows: [String: Int] { queue.withLock { $0.dropped } }

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

    // MARK: The writer

    private func writerLoop() {
        var sampler = RowSampler(rate: options.logRows, perSecond: options.maxRowsPerSecond)
        var logged: [MonitorStore.LoggedRow] = []
        var counted = 0
        var lastFlush = DispatchTime.now()
        var lastPrune = -Double.infinity
        while true {
            let deadline = lastFlush + options.flushInterval
            _ = wake.wait(timeout: deadline)
            hooks.beforeDrain()
            let (records, barriers, stopping) = queue.withLock { q in
                defer {
                    q.records.removeAll(keepingCapacity: true)
                    q.rows = 0
                    q.barriers = []
                }
                return (q.records, q.barriers, q.stopping)
            }
            for record in records { counted += count(record, sampler: &sampler, log: &logged) }
            // A waiter (the monitor route) sees the logged rows too: labels join them in SQLite.
            if stopping || !barriers.isEmpty || counted >= options.flushRows || DispatchTime.now() >= deadline {
                if flush(&logged) {
                    counted = 0
                }
                lastFlush = DispatchTime.now()
            }
            let now = hooks.now()
            if now - lastPrune >= options.pruneInterval {
                lastPrune = now
                prune(now: now)
            }
            for b in barriers { b() }
            if stopping {
                finished.signal()
                return
            }
        }
    }

    /// Counts one request's rows into its bucket and samples them into the row log. Returns the rows counted.
    private func count(_ record: Queued, sampler: inout RowSampler, log: inout [MonitorStore.LoggedRow]) -> Int {
        let rows = record.rows
        let model = rows.model
        guard let profile = model.artifact.reference else { return 0 }
        let b = Int64(options.bucketSeconds)
        let key = BucketKey(model: model.name, version: model.version, start: Self.floor(Int64(record.time.rounded(.down)), b))
        let cells = rows.cells()
        let observations = (0..<rows.count).map { rows.observation(row: $0, cells: cells) }
        if buckets.withLock({ $0[key] == nil }) {
            // A bucket stored before (by an earlier run) is continued, not restarted.
            let stored: WindowStats?
            do { stored = try store.bucket(model: key.model, version: key.version, start: key.start, profile: profile) } catch {
                logger.error("cannot read a stored monitor bucket; counting it afresh", metadata: ["model": "\(key.model)", "error": "\(error)"])
                stored = nil
            }
            buckets.withLock { $0[key] = Bucket(stats: stored ?? WindowStats(profile: profile), dirty: false) }
        }
        buckets.withLock { all in
            for o in observations { all[key]!.stats.add(o, profile: profile) }
            all[key]!.dirty = true
        }
        // The row log is bounded: a store that keeps failing does not grow it without end.
        guard log.count < 10 * options.queueCapacity else { return rows.count }
        for r in 0..<rows.count where sampler.admit(model: model.name, id: rows.id, row: r, now: record.time) {
            log.append(Self.logged(rows, row: r, cells: cells, observation: observations[r], time: record.time))
        }
        return rows.count
    }

    static func logged(_ rows: InferenceRows, row r: Int, cells: InferenceRows.Cells, observation: RowObservation, time: Double) -> MonitorStore.LoggedRow {
        let features = JSON.array(cells.columns.indices.map { cells.raw(r, $0) })
        var row = MonitorStore.LoggedRow(model: rows.model.name, version: rows.model.version, id: rows.id, row: r, time: time,
                                         features: String(decoding: features.canonicalBytes(), as: UTF8.self), prediction: "")
        switch observation.prediction {
        case .label(let label, let confidence):
            row.prediction = String(decoding: JSON.string(label).canonicalBytes(), as: UTF8.self)
            row.classIndex = rows.model.artifact.target.classes.firstIndex(of: label)
            row.confidence = confidence
        case .value(let v):
            row.prediction = JSON.format(v)
            row.value = v
        }
        return row
    }

    /// Stores changed buckets and logged rows; forgets stored buckets older than the previous one.
    /// Returns whether the store succeeded (on failure everything stays to be stored next time).
    private func flush(_ logged: inout [MonitorStore.LoggedRow]) -> Bool {
        let dirty = buckets.withLock { all in
            all.filter(\.value.dirty).map { (model: $0.key.model, version: $0.key.version, start: $0.key.start, stats: $0.value.stats) }
        }
        guard !dirty.isEmpty || !logged.isEmpty else { return true }
        let start = ContinuousClock.now
        do {
            try store.write(buckets: dirty, rows: logged)
        } catch {
            logger.error("cannot store monitor statistics; will retry", metadata: ["path": "\(store.path)", "error": "\(error)"])
            return false
        }
        logged.removeAll(keepingCapacity: true)
        let current = Self.floor(Int64(hooks.now().rounded(.down)), Int64(options.bucketSeconds))
        buckets.withLock { all in
            for d in dirty {
                let key = BucketKey(model: d.model, version: d.version, start: d.start)
                // Clean unless rows were counted into it meanwhile (only this thread counts, so none were).
                all[key]?.dirty = false
            }
            all = all.filter { $0.value.dirty || $0.key.start >= current - Int64(options.bucketSeconds) }
        }
        let elapsed = start.duration(to: .now).components
        flushDurations.withLock { d in
            if d.count >= 1_000 { d.removeFirst(d.count - 999) }
            d.append(Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18)
        }
        return true
    }

    private func prune(now: Double) {
        do {
            try store.prune(now: now, aggregates: options.aggregatesRetention, rows: options.rowsRetention,
                            feedback: options.feedbackRetention, maxRowBytes: options.maxRowBytes)
        } catch {
            logger.error("cannot remove monitor records past retention", metadata: ["path": "\(store.path)", "error": "\(error)"])
        }
    }

    /// `value` rounded down to a multiple of `step` (also below zero).
    static func floor(_ value: Int64, _ step: Int64) -> Int64 {
        let q = value / step
        return (value % step != 0 && value < 0 ? q - 1 : q) * step
    }
}

/// Resumes a continuation once, whichever of two callers comes first.
private final class Once: Sendable {
    private let state = Mutex<(continuation: CheckedContinuation<Bool, Never>?, result: Bool?)>((nil, nil))

    func set(_ c: CheckedContinuation<Bool, Never>) {
        let early = state.withLock { s -> Bool? in
            if let r = s.result { return r }
            s.continuation = c
            return nil
        }
        if let early { c.resume(returning: early) }
    }

    func resume(_ value: Bool) {
        let c = state.withLock { s -> CheckedContinuation<Bool, Never>? in
            guard s.result == nil else { return nil }
            s.result = value
            defer { s.continuation = nil }
            return s.continuation
        }
        c?.resume(returning: value)
    }
}
