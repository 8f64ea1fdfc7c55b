import SluiceCore

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

        public init(id: String, row: Int, time: Double, features: [String: JSON], truth: JSON) {
            self.id = id
            self.row = row
            self.time = time
            self.features = features
            self.truth = truth
        }
    }

    /// The snapshot an automatic retrain trains on: every row of `previous` (the last snapshot of
    /// the same training inputs), now all for training, plus the labelled rows it did not hold
    /// (*fresh* rows). The newest `holdout` share of the fresh rows (at least one) is held out:
    /// no version trained on them, so they gate the candidate and the champion alike.
    ///
    /// Rows without a truth (`null`) are left out; a row (request id and index) given twice counts once.
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
            for var r in previous.rows where seen.insert(r.key).inserted {
                r.part = .train
                rows.append(r)
            }
        }
        var fresh: [Row] = []
        for l in labelled {
            if case .null = l.truth { continue }
            let key = RowKey(id: l.id, row: l.row)
            guard seen.insert(key).inserted else { continue }
            fresh.append(Row(id: l.id, row: l.row, time: l.time, part: .train,
                             cells: features.map { cell(l.features[$0]) } + [cell(l.truth)]))
        }
        fresh = FeedbackSnapshot(columns: columns, rows: fresh).rows
        if !fresh.isEmpty {
            let held = min(fresh.count, max(1, Int((Double(fresh.count) * holdout).rounded(.up))))
            for i in (fresh.count - held)..<fresh.count { fresh[i].part = .holdout }
        }
        return (FeedbackSnapshot(columns: columns, rows: rows + fresh), fresh.count)
    }
}
