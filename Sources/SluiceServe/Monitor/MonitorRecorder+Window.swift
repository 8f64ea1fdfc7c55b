import SluiceCore
import SluiceLearn
import SluiceMonitor

extension MonitorRecorder {
    /// A window of a served model's statistics, with what the wire form adds to ``MonitorWindow``.
    public struct Reading: Sendable {
        /// The window: merged buckets, labelled statistics from the join, the series.
        public var window: MonitorWindow
        /// Labels of the model that match no logged row (not sampled, pruned, or still to come).
        public var unmatchedLabels: Int
        /// Rows of the model dropped because the queue was full, since the server started.
        public var dropped: Int
        /// Logged rows of the model not stored because their request id and row were logged before, since
        /// the server started.
        public var duplicateIDs: Int
    }

    /// The statistics of the version `model` serves over the last `seconds`, rounded out to whole buckets:
    /// the stored buckets merged with those the writer holds in memory, the labelled statistics of the
    /// logged rows that have a label (attributed to the version that served each row), and `steps` points
    /// of the series.
    ///
    /// - Throws: ``ServeError`` 409 when the model has no reference profile, 500 when the store cannot be read.
    /// - Complexity: O(buckets × bins + labelled rows); rows are never re-read.
    public func window(model: ServedModel, seconds: Double, steps: Int = 24, metric: String? = nil) throws(ServeError) -> Reading {
        guard let profile = model.artifact.reference else { throw Self.untracked(model) }
        let b = Int64(options.bucketSeconds)
        let to = Int64(hooks.now().rounded(.down)) + 1
        let from = Self.floor(to - Int64(seconds.rounded(.up)), b)
        let held = buckets.withLock { all in
            all.filter { $0.key.model == model.name && $0.key.version == model.version && $0.key.start >= from && $0.key.start < to }
                .map { (start: $0.key.start, stats: $0.value.stats) }
        }
        let heldStarts = Set(held.map(\.start))
        let n = max(1, steps)
        let stepLength = Double(to - from) / Double(n)
        func step(_ t: Double) -> Int { min(n - 1, max(0, Int((t - Double(from)) / stepLength))) }
        var sum = BucketSum(profile: profile)
        var perStep = Array(repeating: BucketSum(profile: profile), count: n)
        let labelledRows: [MonitorStore.LabelledRow]
        let unmatched: Int
        do {
            for bucket in held {
                try sum.add(bucket.stats)
                try perStep[step(Double(bucket.start))].add(bucket.stats)
            }
            // The writer's copy of a bucket is complete, so a stored copy of the same bucket is skipped.
            try store.forEachBucket(model: model.name, version: model.version, from: from, to: to) { start, blob in
                guard !heldStarts.contains(start) else { return }
                try sum.add(blob: blob)
                try perStep[step(Double(start))].add(blob: blob)
            }
            labelledRows = try store.labelledRows(model: model.name, version: model.version, from: Double(from), to: Double(to))
            unmatched = try store.unmatchedLabels(model: model.name)
        } catch let error as MonitorError {
            throw ServeError(500, "the monitor buckets of model \(model.name) do not fit its reference profile: \(error)")
        } catch {
            throw ServeError(500, "cannot read the monitor database \(store.path): \(error)")
        }
        var total: WindowStats
        do { total = try sum.stats(profile: profile) } catch {
            throw ServeError(500, "the monitor buckets of model \(model.name) do not fit its reference profile: \(error)")
        }
        var labelled = LabelledStats(classes: profile.classes.count)
        var labelledPerStep = Array(repeating: labelled, count: n)
        for row in labelledRows {
            guard let truth = try? JSONParser.parse(Array(row.truth.utf8)).value else { continue }
            let s = step(row.time)
            if profile.isClassifier {
                guard let predicted = row.classIndex else { continue }
                let t = truth.stringValue.flatMap { profile.classes.firstIndex(of: $0) }
                labelled.addClassified(truth: t, predicted: predicted)
                labelledPerStep[s].addClassified(truth: t, predicted: predicted)
            } else {
                guard let predicted = row.value, let t = truth.doubleValue else { continue }
                labelled.addRegressed(truth: t, predicted: predicted)
                labelledPerStep[s].addRegressed(truth: t, predicted: predicted)
            }
        }
        total.labelled = labelled
        let metricName = metric ?? (profile.isClassifier ? "accuracy" : "rmse")
        let series = (0..<n).map { i in
            let s = perStep[i]
            return MonitorWindow.Point(from: from + Int64((Double(i) * stepLength).rounded(.down)), rows: s.rows,
                                       labelled: labelledPerStep[i].labelled, live: labelledPerStep[i].metric(metricName)?.value,
                                       estimate: profile.calibration != nil && s.rows > 0 ? s.calibratedSum / Double(s.rows) : nil)
        }
        let window = MonitorWindow(model: model.name, version: model.version, from: from, to: to, stats: total, series: series)
        return Reading(window: window, unmatchedLabels: unmatched, dropped: droppedRows[model.name] ?? 0,
                       duplicateIDs: duplicateRows[model.name] ?? 0)
    }

    /// The answer for a model whose artifact has no reference profile.
    public static func untracked(_ model: ServedModel) -> ServeError {
        ServeError(409, "model \(model.name) version \(model.version) was trained before monitoring (its artifact has no reference profile); retrain it to monitor it")
    }

    /// The most rows ``loggedRows(model:since:labelledOnly:limit:)`` returns at once.
    public static let maxLoggedRows = 100_000

    /// The logged rows of a model (every version) from `since` (Unix seconds) on, oldest first, as JSON lines:
    /// `{"id", "row", "version", "ts", "features": {name: raw value}, "prediction", "confidence"?, "truth"?}`.
    ///
    /// - Parameters:
    ///   - labelledOnly: only the rows that have a label.
    ///   - limit: at most this many rows (continue from the last row's `ts`).
    /// - Throws: ``ServeError`` 500 when the store cannot be read.
    public func loggedRows(model: ServedModel, since: Double, labelledOnly: Bool, limit: Int) throws(ServeError) -> [UInt8] {
        let rows: [(row: MonitorStore.LoggedRow, truth: String?)]
        do { rows = try store.loggedRows(model: model.name, since: since, labelledOnly: labelledOnly, limit: min(limit, Self.maxLoggedRows)) } catch {
            throw ServeError(500, "cannot read the monitor database \(store.path): \(error)")
        }
        let names = model.artifact.encoder.features.map(\.name)
        var out: [UInt8] = []
        for (row, truth) in rows {
            let values = (try? JSONParser.parse(Array(row.features.utf8)).value.arrayValue) ?? nil
            var features: [String: JSON] = [:]
            for (i, name) in names.enumerated() { features[name] = values.flatMap { i < $0.count ? $0[i] : nil } ?? .null }
            var o: [String: JSON] = [
                "id": .string(row.id), "row": .number(Double(row.row)), "version": .string(row.version), "ts": .number(row.time),
                "features": .object(features),
                "prediction": (try? JSONParser.parse(Array(row.prediction.utf8)).value) ?? .string(row.prediction),
            ]
            if let c = row.confidence { o["confidence"] = .number(c) }
            if let truth { o["truth"] = (try? JSONParser.parse(Array(truth.utf8)).value) ?? .string(truth) }
            out.append(contentsOf: JSON.object(o).canonicalBytes())
            out.append(UInt8(ascii: "\n"))
        }
        return out
    }
}
