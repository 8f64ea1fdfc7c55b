import SluiceCore

/// A model quality measure that a gate can name.
public struct Metric: Sendable, Equatable {
    public var name: String
    public var task: LearningTask
    /// Whether larger values are better; `maxRegression` is measured in this direction.
    public var higherIsBetter: Bool
    /// The values the metric can take (`r2` has no lower bound, errors no upper bound).
    public var range: ClosedRange<Double> = 0...1
    public var summary: String

    /// Every metric, in documentation order.
    public static let all: [Metric] = [
        Metric(name: "accuracy", task: .classification, higherIsBetter: true, summary: "Share of rows predicted correctly."),
        Metric(name: "balanced_accuracy", task: .classification, higherIsBetter: true, summary: "Mean recall over classes."),
        Metric(name: "precision_macro", task: .classification, higherIsBetter: true, summary: "Unweighted mean of per-class precision."),
        Metric(name: "recall_macro", task: .classification, higherIsBetter: true, summary: "Unweighted mean of per-class recall."),
        Metric(name: "f1_macro", task: .classification, higherIsBetter: true, summary: "Unweighted mean of per-class F1."),
        Metric(name: "f1_weighted", task: .classification, higherIsBetter: true, summary: "Per-class F1 weighted by class support."),
        Metric(name: "roc_auc", task: .classification, higherIsBetter: true,
               summary: "Area under the ROC curve: binary, or one-vs-rest macro average for more classes."),
        Metric(name: "log_loss", task: .classification, higherIsBetter: false, range: 0...Double.infinity, summary: "Mean negative log-likelihood of the true class."),
        Metric(name: "r2", task: .regression, higherIsBetter: true, range: -Double.infinity...1, summary: "Coefficient of determination."),
        Metric(name: "rmse", task: .regression, higherIsBetter: false, range: 0...Double.infinity, summary: "Root mean squared error."),
        Metric(name: "mae", task: .regression, higherIsBetter: false, range: 0...Double.infinity, summary: "Mean absolute error."),
    ]

    /// The metric called `name`.
    public static func named(_ name: String) -> Metric? { all.first { $0.name == name } }

    /// The names of the metrics of `task`, in documentation order.
    public static func names(of task: LearningTask) -> [String] { all.filter { $0.task == task }.map(\.name) }

    /// The range as a phrase for messages: "from 0 to 1", "≥ 0", "≤ 1".
    public var rangeDescription: String {
        switch (range.lowerBound.isFinite, range.upperBound.isFinite) {
        case (true, true): "from \(JSON.format(range.lowerBound)) to \(JSON.format(range.upperBound))"
        case (true, false): "≥ \(JSON.format(range.lowerBound))"
        case (false, true): "≤ \(JSON.format(range.upperBound))"
        case (false, false): "any number"
        }
    }
}
