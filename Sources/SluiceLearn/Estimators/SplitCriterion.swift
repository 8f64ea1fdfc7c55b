/// How a tree measures the impurity of a node.
public enum SplitCriterion: String, Sendable, CaseIterable {
    case gini, entropy
    /// scikit-learn's alias of `entropy`.
    case logLoss = "log_loss"
    /// Regression: variance reduction.
    case squaredError = "squared_error"
}
