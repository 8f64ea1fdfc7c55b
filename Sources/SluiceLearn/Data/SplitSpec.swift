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
