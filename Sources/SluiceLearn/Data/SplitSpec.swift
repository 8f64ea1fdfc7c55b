/// How to hold out test rows when no separate test file is given.
public struct SplitSpec: Sendable, Equatable {
    /// Whose algorithm chooses the rows.
    public var method: SplitMethod
    /// How many rows test the model.
    public var testSize: TestSize
    /// For ``SplitMethod/sklearn``, at most `UInt32.max` (numpy's `RandomState` takes no more).
    public var seed: UInt64
    /// Whether each class keeps its share of the rows in both parts.
    public var stratify: Bool

    public init(method: SplitMethod, testSize: TestSize, seed: UInt64, stratify: Bool) {
        self.method = method
        self.testSize = testSize
        self.seed = seed
        self.stratify = stratify
    }

    /// Sluice's own split of a fraction of the rows.
    public init(testFraction: Double = 0.2, seed: UInt64 = 0, stratify: Bool = true) {
        self.init(method: .sluice, testSize: .fraction(testFraction), seed: seed, stratify: stratify)
    }

    /// The defaults of a method: Sluice's are 0.2 stratified, scikit-learn's `train_test_split`
    /// 0.25 not stratified; both seed 0.
    public static func defaults(_ method: SplitMethod) -> SplitSpec {
        switch method {
        case .sluice: SplitSpec(method: .sluice, testSize: .fraction(0.2), seed: 0, stratify: true)
        case .sklearn: SplitSpec(method: .sklearn, testSize: .fraction(0.25), seed: 0, stratify: false)
        }
    }
}

/// Whose algorithm splits the rows.
public enum SplitMethod: String, Sendable, CaseIterable {
    /// Sluice's own (SplitMix64; stratified by largest remainders): the default.
    case sluice
    /// Exactly scikit-learn's `train_test_split(…, shuffle=True)` (numpy's MT19937): the rows a
    /// notebook holds out with the same size and `random_state`.
    case sklearn
}

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
