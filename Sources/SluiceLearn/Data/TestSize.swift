/// How many rows test the model.
public enum TestSize: Sendable, Equatable {
    /// `ceil(fraction × rows)` rows; the fraction is in (0, 1).
    case fraction(Double)
    /// This many rows (at least 1, fewer than the data has).
    case count(Int)

    /// The number of test rows out of `rows`, as scikit-learn's `_validate_shuffle_split` counts
    /// them (both methods count the same way).
    /// - Throws: ``LearnError`` when either part would be empty.
    public func rows(of rows: Int) throws -> Int {
        switch self {
        case .fraction(let f):
            let n = Int((f * Double(rows)).rounded(.up))
            guard n >= 1, n < rows else {
                throw LearnError("a test fraction of \(JSONNumber(f)) leaves \(n) of \(rows) rows for testing and \(rows - n) for training; both parts need at least one row (change spec.dataset.split.testFraction or add rows)")
            }
            return n
        case .count(let n):
            guard n >= 1, n < rows else {
                throw LearnError("spec.dataset.split.testSize \(n) is not below the \(rows) data rows; both parts need at least one row (set testSize from 1 to \(max(1, rows - 1)))")
            }
            return n
        }
    }
}
