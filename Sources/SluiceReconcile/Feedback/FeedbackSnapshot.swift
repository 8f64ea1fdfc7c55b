import SluiceCore
import SluiceLearn

/// Labelled traffic frozen for an automatic retrain (`spec.monitor.onBreach: "retrain"`,
/// docs/monitoring.md): the rows a server logged that have ground truth, with the dataset's columns.
///
/// Its canonical form is a CSV file (``csv()``) whose SHA-256 is the snapshot's digest and enters
/// the version identity of what is trained on it: the same rows give the same bytes, the same
/// digest and the same version. The columns are `sluice.id`, `sluice.row`, `sluice.time`,
/// `sluice.part`, then the model's feature columns in the artifact's order, then the target.
/// Rows are sorted by time, request id and row. `sluice.part` is `train` (rows a candidate trains
/// on, beside the dataset's training split) or `holdout` (recent rows no model has trained on:
/// the candidate and the champion are gated on them).
public struct FeedbackSnapshot: Sendable, Equatable {
    /// Which use a row is for.
    public enum Part: String, Sendable, Equatable {
        /// Trained on.
        case train
        /// Gated on; never trained on by the version the snapshot trains.
        case holdout
    }

    /// One labelled row.
    public struct Row: Sendable, Equatable {
        /// The request id the row was served under.
        public var id: String
        /// The row's index within its request.
        public var row: Int
        /// When it was served (Unix seconds).
        public var time: Double
        public var part: Part
        /// The cells, one per ``FeedbackSnapshot/columns`` entry, as CSV text ("" for missing);
        /// the last is the ground truth.
        public var cells: [String]

        public init(id: String, row: Int, time: Double, part: Part, cells: [String]) {
            self.id = id
            self.row = row
            self.time = time
            self.part = part
            self.cells = cells
        }

        /// What identifies a row across snapshots.
        public var key: RowKey { RowKey(id: id, row: row, time: time) }
    }

    /// A row's identity: its request id, row index and the time it was served (a request id used
    /// again later, e.g. by a client after the server's monitor state was reset, is another row).
    public struct RowKey: Hashable, Sendable {
        public var id: String
        public var row: Int
        public var time: Double
        public init(id: String, row: Int, time: Double) {
            self.id = id
            self.row = row
            self.time = time
        }
    }

    /// The names of the leading bookkeeping columns of ``csv()``.
    public static let bookkeeping = ["sluice.id", "sluice.row", "sluice.time", "sluice.part"]

    /// The data columns: the features, then the target (last).
    public var columns: [String]
    /// The rows, in canonical order (``sort()``).
    public var rows: [Row]

    /// - Parameter rows: put in canonical order.
    public init(columns: [String], rows: [Row]) {
        self.columns = columns
        self.rows = rows
        sort()
    }

    /// The target column's name.
    public var target: String { columns.last ?? "" }
    /// Rows trained on.
    public var trainRows: Int { rows.count { $0.part == .train } }
    /// Rows gated on.
    public var holdoutRows: Int { rows.count { $0.part == .holdout } }

    /// Puts the rows in canonical order: time, then request id (bytewise), then row.
    public mutating func sort() {
        rows.sort(by: Row.precedes)
    }
}

extension FeedbackSnapshot.Row {
    /// The canonical order: time, then request id (bytewise), then row; then, for copies of one
    /// row, its cells (bytewise) and its part, so that the order is total.
    static func precedes(_ a: Self, _ b: Self) -> Bool {
        if a.time != b.time { return a.time < b.time }
        if a.id != b.id { return Array(a.id.utf8).lexicographicallyPrecedes(Array(b.id.utf8)) }
        if a.row != b.row { return a.row < b.row }
        if a.cells != b.cells {
            return a.cells.lexicographicallyPrecedes(b.cells) { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        }
        return a.part == .train && b.part == .holdout
    }
}
