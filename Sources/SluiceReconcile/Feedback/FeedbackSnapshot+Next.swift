import SluiceCore
import SluiceLearn

extension FeedbackSnapshot {
    /// A labelled row as a server's row log gives it (`GET /v2/models/{name}/monitor/rows?labelled=true`).
    public struct Labelled: Sendable, Equatable {
        public var id: String
        public var row: Int
        public var time: Double
        /// The features by name, as served.
        public var features: [String: JSON]
        /// The ground truth.
        public var truth: JSON
        /// The version that served the row, when the server says.
        public var version: String?

        public init(id: String, row: Int, time: Double, features: [String: JSON], truth: JSON, version: String? = nil) {
            self.version = version
            self.id = id
            self.row = row
            self.time = time
            self.features = features
            self.truth = truth
        }
    }

    /// The snapshot an automatic retrain trains on: every row of `previous` (the last snapshot of
    /// the same training inputs), each in its part, plus the labelled rows it did not hold (*fresh*
    /// rows). The newest `holdout` share of the fresh rows (at least one) is held out. A held-out
    /// row stays held out in every later snapshot: no version trained on any of them, so they gate
    /// the candidate and the champion alike, and a candidate cannot pass on a few easy new rows
    /// while it fails the harder ones held out before.
    ///
    /// Rows without a truth (`null`, or a value that is a missing cell: `""`, `NA`) or without a
    /// finite time are left out; a row (request id, index and time served) given twice counts once.
    /// - Parameters:
    ///   - previous: the last snapshot of these training inputs; ignored when its columns differ.
    ///   - features: the model's feature columns, in the artifact's order.
    ///   - target: the dataset's target column.
    ///   - holdout: the share of fresh rows held out, in (0, 1).
    /// - Returns: the snapshot and how many fresh rows it has.
    public static func next(previous: FeedbackSnapshot?, labelled: [Labelled], features: [String], target: String,
                            holdout: Double) -> (snapshot: FeedbackSnapshot, fresh: Int) {
        let columns = features + [target]
        var rows: [Row] = []
        var seen = Set<RowKey>()
        if let previous, previous.columns == columns {
            // Each keeps its part: a held-out row is never trained on, so every later candidate
            // (and its champion) is judged on all the rows held out so far, not only the newest.
            for r in previous.rows where seen.insert(r.key).inserted { rows.append(r) }
        }
        var candidates: [Row] = []
        for l in labelled where l.time.isFinite {
            let truth = cell(l.truth)
            if CSVReader.isMissing(truth) { continue }
            candidates.append(Row(id: l.id, row: l.row, time: l.time, part: .train, cells: features.map { cell(l.features[$0]) } + [truth]))
        }
        // In canonical order first, so that which copy of a row given twice is kept (the earliest)
        // does not depend on the order the rows came in.
        candidates.sort(by: Row.precedes)
        var fresh = candidates.filter { seen.insert($0.key).inserted }
        if !fresh.isEmpty {
            // 10 × 0.3 is 3.0000000000000004 in binary: the tolerance keeps its ceiling at 3.
            let share = Double(fresh.count) * holdout
            let held = min(fresh.count, max(1, Int((share - 1e-9).rounded(.up))))
            for i in (fresh.count - held)..<fresh.count { fresh[i].part = .holdout }
        }
        return (FeedbackSnapshot(columns: columns, rows: rows + fresh), fresh.count)
    }
}
