import SluiceCore

/// The algorithms this engine trains, with their parameters and defaults: the one place a default
/// is written. Parameter names are scikit-learn's in camelCase, plus `seed`; `null` defaults mean
/// "scikit-learn's default for the task", spelt out in each summary and resolved by
/// ``Parameter/nullMeans``. Each algorithm builds its estimator from ``HyperParameters``.
public enum AlgorithmCatalog {
    static let seed = Parameter("seed", .integer(min: 0, max: 9_007_199_254_740_991), default: 0,
        "Seed of every random choice (bootstrap samples, feature subsets, thresholds). Same seed, same model.")
    static let criterion = Parameter("criterion", .optionalChoice(SplitCriterion.allCases.map(\.rawValue)), default: nil,
        nullMeans: [.classification: .string(SplitCriterion.gini.rawValue), .regression: .string(SplitCriterion.squaredError.rawValue)],
        "Impurity measure of a split: gini, entropy or log_loss for classification, squared_error for regression; null: gini or squared_error.")
    static let maxDepth = Parameter("maxDepth", .optionalInteger(min: 1, max: 1000), default: nil,
        "Deepest a tree may grow; null grows until leaves are pure or too small to split.")
    static let minSamplesSplit = Parameter("minSamplesSplit", .integer(min: 2, max: 1_000_000_000), default: 2,
        "Fewest rows a node needs to be split.")
    static let minSamplesLeaf = Parameter("minSamplesLeaf", .integer(min: 1, max: 1_000_000_000), default: 1,
        "Fewest rows each child of a split must keep.")
    static let maxBins = Parameter("maxBins", .integer(min: 2, max: 255), default: 255,
        "Most bins per feature: features with more distinct values are split at quantiles (exact below that).")
    static let fitIntercept = Parameter("fitIntercept", .boolean, default: true, "Learn an intercept (not regularised).")
    static func standardize(_ byDefault: Bool, _ why: String) -> Parameter {
        Parameter("standardize", .boolean, default: .bool(byDefault),
                  "Scale each encoded feature to mean 0 and variance 1 inside the model (recorded in the artifact). \(why)")
    }

    /// The parameters of the tree ensembles, which differ only in whether they bootstrap by default.
    static func forest(bootstrap: Bool) -> [Parameter] {
        [
            Parameter("nEstimators", .integer(min: 1, max: 10_000), default: 100, "Number of trees."),
            criterion, maxDepth, minSamplesSplit, minSamplesLeaf,
            Parameter("maxFeatures", .featureCount, default: nil, nullMeans: [.classification: "sqrt"],
                      "Features examined at each split; null: sqrt of the features for classification, all for regression."),
            Parameter("bootstrap", .boolean, default: .bool(bootstrap), "Grow each tree on a bootstrap sample of the rows."),
            maxBins, seed,
        ]
    }

    /// The estimator of a single tree or of a forest (`nEstimators` trees, bootstrapped if `bootstrap`),
    /// from resolved parameters.
    static func trees(forest: Bool, randomThresholds: Bool) -> @Sendable (HyperParameters, Int) -> any Estimator {
        { p, features in
            let growth = TreeGrowth(
                criterion: SplitCriterion(rawValue: p.string("criterion"))!, maxDepth: p.optionalInt("maxDepth"),
                minSamplesSplit: p.int("minSamplesSplit"), minSamplesLeaf: p.int("minSamplesLeaf"),
                maxFeatures: p.featureCount("maxFeatures", of: features), randomThresholds: randomThresholds)
            return TreeEnsembleEstimator(growth: growth, trees: forest ? p.int("nEstimators") : 1, bootstrap: forest && p.bool("bootstrap"),
                                         seed: p.seed, maxBins: p.int("maxBins"))
        }
    }

    /// Every algorithm, in the order the documentation lists them.
    /// The algorithms whose models have an ONNX form (SluiceONNX, `spec.deploy.formats`): k-nearest
    /// neighbours (the training set in the graph) and naive Bayes have none.
    public static let onnxExportable = [
        "decision_tree", "random_forest", "extra_trees", "gradient_boosting", "logistic_regression", "linear_regression", "ridge",
    ]

    public static let all: [Algorithm] = [
        Algorithm(
            name: "decision_tree", tasks: [.classification, .regression],
            summary: "A single CART tree (scikit-learn's DecisionTreeClassifier / Regressor).",
            parameters: [criterion, maxDepth, minSamplesSplit, minSamplesLeaf,
                         Parameter("maxFeatures", .featureCount, default: nil, "Features examined at each split; null examines all."),
                         maxBins, seed],
            encoding: .ordinal, estimator: trees(forest: false, randomThresholds: false)),
        Algorithm(
            name: "random_forest", tasks: [.classification, .regression],
            summary: "Bagged CART trees with random feature subsets (scikit-learn's RandomForestClassifier / Regressor).",
            parameters: forest(bootstrap: true),
            encoding: .ordinal, estimator: trees(forest: true, randomThresholds: false)),
        Algorithm(
            name: "extra_trees", tasks: [.classification, .regression],
            summary: "Extremely randomised trees: random thresholds, no bootstrap by default (scikit-learn's ExtraTreesClassifier / Regressor).",
            parameters: forest(bootstrap: false),
            encoding: .ordinal, estimator: trees(forest: true, randomThresholds: true)),
        Algorithm(
            name: "gradient_boosting", tasks: [.classification, .regression],
            summary: "Histogram-based gradient boosting, leaf-wise (scikit-learn's HistGradientBoosting, LightGBM).",
            parameters: [
                Parameter("learningRate", .number(min: 0, inclusive: false, max: 1000), default: 0.1, "Shrinkage applied to every leaf value."),
                Parameter("maxIter", .integer(min: 1, max: 100_000), default: 100, "Boosting iterations (trees per class)."),
                Parameter("maxLeafNodes", .integer(min: 2, max: 1_000_000), default: 31, "Most leaves per tree."),
                maxDepth,
                Parameter("minSamplesLeaf", .integer(min: 1, max: 1_000_000_000), default: 20, "Fewest rows per leaf."),
                Parameter("l2Regularization", .number(min: 0, inclusive: true, max: 1e12), default: 0.0, "L2 penalty on leaf values."),
                maxBins,
                Parameter("earlyStopping", .boolean, default: false,
                          "Hold out validationFraction of the rows and stop when the validation loss stops improving."),
                Parameter("validationFraction", .number(min: 0, inclusive: false, max: 0.9), default: 0.1, "Held-out share for early stopping."),
                Parameter("nIterNoChange", .integer(min: 1, max: 100_000), default: 10, "Iterations without improvement before stopping."),
                Parameter("tol", .number(min: 0, inclusive: true, max: 1), default: 1e-7, "Smallest validation loss improvement that counts."),
                seed,
            ],
            encoding: .ordinal,
            estimator: { p, _ in
                GradientBoostingEstimator(
                    learningRate: p.double("learningRate"), maxIter: p.int("maxIter"), maxLeafNodes: p.int("maxLeafNodes"),
                    maxDepth: p.optionalInt("maxDepth"), minSamplesLeaf: p.int("minSamplesLeaf"), l2Regularization: p.double("l2Regularization"),
                    maxBins: p.int("maxBins"), earlyStopping: p.bool("earlyStopping"), validationFraction: p.double("validationFraction"),
                    nIterNoChange: p.int("nIterNoChange"), tol: p.double("tol"), seed: p.seed)
            }),
        Algorithm(
            name: "logistic_regression", tasks: [.classification],
            summary: "L2-regularised logistic regression solved with L-BFGS (scikit-learn's LogisticRegression).",
            parameters: [
                Parameter("C", .number(min: 0, inclusive: false, max: 1e12), default: 1.0,
                    "Inverse regularisation strength: smaller values regularise more."),
                Parameter("maxIter", .integer(min: 1, max: 100_000), default: 100, "Most solver iterations."),
                Parameter("tol", .number(min: 0, inclusive: false, max: 1), default: 0.0001,
                    "Stop when the largest gradient component is at most this."),
                fitIntercept,
                standardize(true, "On by default: the solver converges in far fewer iterations, and the penalty treats features alike."),
                seed,
            ],
            encoding: .oneHot,
            estimator: { p, _ in
                LogisticRegressionClassifier(c: p.double("C"), maxIter: p.int("maxIter"), tol: p.double("tol"), fitIntercept: p.bool("fitIntercept"))
            }),
        Algorithm(
            name: "linear_regression", tasks: [.regression],
            summary: "Ordinary least squares (scikit-learn's LinearRegression).",
            parameters: [fitIntercept, seed],
            // Ordinary least squares is ridge without the penalty: alpha is not a parameter here.
            encoding: .oneHot, estimator: { p, _ in LinearRegressionEstimator(alpha: 0, fitIntercept: p.bool("fitIntercept")) }),
        Algorithm(
            name: "ridge", tasks: [.regression],
            summary: "Least squares with an L2 penalty (scikit-learn's Ridge).",
            parameters: [
                Parameter("alpha", .number(min: 0, inclusive: true, max: 1e12), default: 1.0, "L2 penalty strength."),
                fitIntercept, seed,
            ],
            encoding: .oneHot, estimator: { p, _ in LinearRegressionEstimator(alpha: p.double("alpha"), fitIntercept: p.bool("fitIntercept")) }),
        Algorithm(
            name: "knn", tasks: [.classification, .regression],
            summary: "k-nearest neighbours, Euclidean (scikit-learn's KNeighborsClassifier / Regressor).",
            parameters: [
                Parameter("nNeighbors", .integer(min: 1, max: 10_000), default: 5, "Neighbours that vote."),
                Parameter("weights", .choice(NeighborsEstimator.Weighting.allCases.map(\.rawValue)), default: "uniform",
                          "uniform: equal votes; distance: votes weighted by inverse distance."),
                standardize(false, "Off by default, as in scikit-learn; turn it on when features have different scales."),
                seed,
            ],
            encoding: .oneHot,
            estimator: { p, _ in NeighborsEstimator(nNeighbors: p.int("nNeighbors"), weights: NeighborsEstimator.Weighting(rawValue: p.string("weights"))!) }),
        Algorithm(
            name: "naive_bayes", tasks: [.classification],
            summary: "Gaussian naive Bayes (scikit-learn's GaussianNB).",
            parameters: [
                Parameter("varSmoothing", .number(min: 0, inclusive: true, max: 1), default: 1e-9,
                          "Share of the largest feature variance added to every variance, for stability."),
                seed,
            ],
            encoding: .oneHot, estimator: { p, _ in NaiveBayesEstimator(varSmoothing: p.double("varSmoothing")) }),
    ]

    /// The algorithm called `name`.
    public static func algorithm(named name: String) -> Algorithm? {
        all.first { $0.name == name }
    }

    public static var names: [String] { all.map(\.name) }
}
