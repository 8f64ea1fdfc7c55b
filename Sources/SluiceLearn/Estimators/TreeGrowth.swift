/// The growth limits of one tree, scikit-learn's names and meanings.
/// (The defaults of the manifest's parameters are ``AlgorithmCatalog``'s.)
public struct TreeGrowth: Sendable, Equatable {
    public var criterion: SplitCriterion
    public var maxDepth: Int?
    public var minSamplesSplit: Int
    public var minSamplesLeaf: Int
    /// Number of features examined at each node; `nil` means all.
    public var maxFeatures: Int?
    /// Extremely randomised trees: one random threshold per examined feature instead of the best.
    public var randomThresholds: Bool

    public init(criterion: SplitCriterion, maxDepth: Int?, minSamplesSplit: Int, minSamplesLeaf: Int, maxFeatures: Int?, randomThresholds: Bool) {
        self.criterion = criterion
        self.maxDepth = maxDepth
        self.minSamplesSplit = minSamplesSplit
        self.minSamplesLeaf = minSamplesLeaf
        self.maxFeatures = maxFeatures
        self.randomThresholds = randomThresholds
    }
}
