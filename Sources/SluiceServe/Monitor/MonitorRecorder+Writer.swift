import Dispatch
import SluiceCore
import SluiceMonitor

extension MonitorRecorder {
    /// The writer thread: drains the queue, counts, stores, prunes, answers waiters; returns once stopped.
    func writerLoop() {
        var sampler = RowSampler(rate: options.logRows, perSecond: options.maxRowsPerSecond)
        var logged: [MonitorStore.LoggedRow] = []
        var counted = 0
        var lastFlush = DispatchTime.now()
        var lastPrune = -Double.infinity
        // Bytes of rows logged since the last prune: past a tenth of the limit the writer prunes at once.
        var written = 0
        // After a failed store the writer waits (doubling, up to 5 s) before it tries again.
        var backoff = RetryBackoff()
        var retryAt = DispatchTime.now()
        while true {
            let deadline = lastFlush + options.flushInterval
            _ = wake.wait(timeout: min(deadline, .now() + options.drainInterval))
            hooks.beforeDrain()
            let (records, barriers, stopping) = queue.withLock { q in
                defer {
                    q.records.removeAll(keepingCapacity: true)
                    q.rows = 0
                    q.bytes = 0
                    q.barriers = []
                }
                return (q.records, q.barriers, q.stopping)
            }
            for record in records { counted += count(record, sampler: &sampler, log: &logged) }
            // A waiter (the monitor route) sees the logged rows too: labels join them in SQLite.
            let due = stopping || !barriers.isEmpty || counted >= options.flushRows || DispatchTime.now() >= deadline
            if due, stopping || DispatchTime.now() >= retryAt {
                let pending = logged.reduce(0) { $0 + $1.bytes }
                if flush(&logged) {
                    counted = 0
                    written += pending
                    backoff.succeeded()
                } else {
                    retryAt = .now() + backoff.failed()
                }
                lastFlush = DispatchTime.now()
            }
            let now = hooks.now()
            if now - lastPrune >= options.pruneInterval || written > options.maxRowBytes / 10 {
                lastPrune = now
                written = 0
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
        let features = JSON.array(cells.columns.indices.map { truncated(cells.raw(r, $0)) })
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

    /// `value`, a string cut to ``RowLog/maxTextBytes`` (so that a few huge rows cannot overrun
    /// ``MonitorOptions/maxRowBytes`` between prunes).
    static func truncated(_ value: JSON) -> JSON {
        guard case .string(let s) = value, s.utf8.count > RowLog.maxTextBytes else { return value }
        let bytes = Array(s.utf8)
        var end = RowLog.maxTextBytes
        // Back off continuation bytes (10xxxxxx) so no character is cut in two.
        while end > 0, bytes[end] & 0xC0 == 0x80 { end -= 1 }
        return .string(String(decoding: bytes[..<end], as: UTF8.self))
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
            let ignored = try store.write(buckets: dirty, rows: logged)
            if !ignored.isEmpty { duplicates.withLock { $0.merge(ignored, uniquingKeysWith: +) } }
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
}
