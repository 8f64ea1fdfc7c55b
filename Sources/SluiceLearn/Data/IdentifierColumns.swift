/// Finds columns that look like row identifiers or free text rather than features: a different
/// text on every row (names, ids, comments), or whole numbers that number the rows (1…n in any
/// order). Used as features they let a model memorise rows and predict nothing; scikit-learn
/// users drop them by hand, so `validate` and `plan` point them out.
public enum IdentifierColumns {
    /// The fewest rows for the check to mean anything (a few rows are often all distinct).
    public static let minimumRows = 20

    /// A column flagged, and why.
    public struct Finding: Sendable, Equatable {
        public var column: String
        /// "a different text on every row", "the numbers 1…150, one per row".
        public var why: String
    }

    /// The flagged columns among `columns` of `frame`, in column order.
    /// - Complexity: O(rows × columns) with hashing.
    public static func find(in frame: DataFrame, columns: [String]) -> [Finding] {
        frame.columns.filter { columns.contains($0.name) }.compactMap(finding)
    }

    static func finding(_ column: DataFrame.Column) -> Finding? {
        switch column.storage {
        case .string(let values):
            let present = values.compactMap { $0 }
            guard present.count >= minimumRows, Set(present).count == present.count else { return nil }
            return Finding(column: column.name, why: "holds a different text on every row, like an identifier, a name or free text")
        case .numeric(let values):
            guard values.count >= minimumRows, let lo = values.min(), let hi = values.max(), lo.isFinite, hi.isFinite,
                  values.allSatisfy({ $0 == $0.rounded() }), hi - lo + 1 == Double(values.count),
                  Set(values).count == values.count else { return nil }
            return Finding(column: column.name, why: "holds the whole numbers \(JSONNumber(lo))…\(JSONNumber(hi)), one per row, like a row id")
        }
    }
}
