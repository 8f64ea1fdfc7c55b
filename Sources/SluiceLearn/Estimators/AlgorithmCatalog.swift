import SluiceCore

/// The algorithms this engine trains, with their parameters and defaults.
public enum AlgorithmCatalog {
    static let seed = Parameter("seed", .integer(min: 0, max: 9_007_199_254_740_991), default: 0,
        "Seed of every random choice (bootstrap samples, feature subsets). Same seed, same model.")
    static let criterion = Parameter("criterion", .choice(SplitCriterion.allCases.map(\.rawValue)), default: "gini",
        "Impurity measure of a split.")
    static let maxDepth = Parameter("maxDepth", .optionalInteger(min: 1, max: 1000), default: nil,
        "Deepest a tree may grow; null grows until leaves are pure or too small to split.")
    static let minSamplesSplit = Parameter("minSamplesSplit", .integer(min: 2, max: 1_000_000_000), default: 2,
        "Fewest rows a node needs to be split.")
    static let minSamplesLeaf = Parameter("minSamplesLeaf", .integer(min: 1, max: 1_000_000_000), default: 1,
        "Fewest rows each child of a split must keep.")

    /// Every algorithm, in the order the documentation lists them.
    public static let all: [Algorithm] = [
        Algorithm(
            name: "decision_tree", tasks: [.classification],
            summary: "A single CART tree (scikit-learn's DecisionTreeClassifier).",
            parameters: [
                criterion, maxDepth, minSamplesSplit, minSamplesLeaf,
                Parameter("maxFeatures", .featureCount, default: nil, "Features examined at each split; null examines all."),
                seed,
            ]),
        Algorithm(
            name: "random_forest", tasks: [.classification],
            summary: "Bagged CART trees with random feature subsets (scikit-learn's RandomForestClassifier).",
            parameters: [
                Parameter("nEstimators", .integer(min: 1, max: 10_000), default: 100, "Number of trees."),
                criterion, maxDepth, minSamplesSplit, minSamplesLeaf,
                Parameter("maxFeatures", .featureCount, default: "sqrt", "Features examined at each split."),
                Parameter("bootstrap", .boolean, default: true, "Grow each tree on a bootstrap sample of the rows."),
                seed,
            ]),
        Algorithm(
            name: "logistic_regression", tasks: [.classification],
            summary: "L2-regularised logistic regression solved with L-BFGS (scikit-learn's LogisticRegression).",
            parameters: [
                Parameter("C", .number(min: 0, inclusive: false, max: 1e12), default: 1.0,
                    "Inverse regularisation strength: smaller values regularise more."),
                Parameter("maxIter", .integer(min: 1, max: 100_000), default: 100, "Most solver iterations."),
                Parameter("tol", .number(min: 0, inclusive: false, max: 1), default: 0.0001,
                    "Stop when the largest gradient component is at most this."),
                Parameter("fitIntercept", .boolean, default: true, "Learn an intercept (not regularised)."),
                seed,
            ]),
    ]

    /// The algorithm called `name`.
    public static func algorithm(named name: String) -> Algorithm? {
        all.first { $0.name == name }
    }

    public static var names: [String] { all.map(\.name) }
}
