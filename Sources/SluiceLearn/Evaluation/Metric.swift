#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A model quality measure that a gate can name.
public struct Metric: Sendable, Equatable {
    public var name: String
    public var task: Task
    /// Whether larger values are better; `maxRegression` is measured in this direction.
    public var higherIsBetter: Bool
    public var summary: String

    /// Every metric, in documentation order.
    public static let all: [Metric] = [
        Metric(name: "accuracy", task: .classification, higherIsBetter: true, summary: "Share of rows predicted correctly."),
        Metric(name: "balanced_accuracy", task: .classification, higherIsBetter: true, summary: "Mean recall over classes."),
        Metric(name: "precision_macro", task: .classification, higherIsBetter: true, summary: "Unweighted mean of per-class precision."),
        Metric(name: "recall_macro", task: .classification, higherIsBetter: true, summary: "Unweighted mean of per-class recall."),
        Metric(name: "f1_macro", task: .classification, higherIsBetter: true, summary: "Unweighted mean of per-class F1."),
        Metric(name: "f1_weighted", task: .classification, higherIsBetter: true, summary: "Per-class F1 weighted by class support."),
        Metric(name: "log_loss", task: .classification, higherIsBetter: false, summary: "Mean negative log-likelihood of the true class."),
    ]

    /// The metric called `name`.
    public static func named(_ name: String) -> Metric? { all.first { $0.name == name } }
}

/// Counts of (true class, predicted class) pairs.
public struct ConfusionMatrix: Sendable, Equatable {
    public var classes: Int
    /// `counts[truth * classes + predicted]`.
    public var counts: [Int]

    public init(truth: [Int], predicted: [Int], classes: Int) {
        self.classes = classes
        counts = [Int](repeating: 0, count: classes * classes)
        for (t, p) in zip(truth, predicted) { counts[t * classes + p] += 1 }
    }

    public subscript(truth: Int, predicted: Int) -> Int { counts[truth * classes + predicted] }

    /// Rows of the matrix, one per true class.
    public var rows: [[Int]] { (0..<classes).map { Array(counts[($0 * classes)..<(($0 + 1) * classes)]) } }
}

/// Classification metrics, computed as scikit-learn computes them (a class with no predicted rows
/// has precision 0, as with `zero_division=0`).
public enum ClassificationMetrics {
    /// Every classification metric for the given predictions.
    /// - Parameters:
    ///   - probabilities: per row, the probability of each class (for `log_loss`).
    /// - Throws: ``LearnError`` on empty input.
    public static func all(truth: [Int], predicted: [Int], probabilities: [[Double]], classes: Int) throws -> [String: Double] {
        guard !truth.isEmpty else { throw LearnError("cannot compute metrics on an empty test set") }
        let cm = ConfusionMatrix(truth: truth, predicted: predicted, classes: classes)
        let n = Double(truth.count)
        var correct = 0
        var precision = [Double](), recall = [Double](), f1 = [Double](), support = [Double]()
        var present = 0
        for k in 0..<classes {
            let tp = Double(cm[k, k])
            correct += cm[k, k]
            let actual = Double((0..<classes).reduce(0) { $0 + cm[k, $1] })
            let predictedK = Double((0..<classes).reduce(0) { $0 + cm[$1, k] })
            // scikit-learn's macro averages run over the labels present in truth or predictions.
            if actual == 0 && predictedK == 0 { continue }
            present += 1
            let p = predictedK > 0 ? tp / predictedK : 0
            let r = actual > 0 ? tp / actual : 0
            precision.append(p)
            recall.append(r)
            f1.append(p + r > 0 ? 2 * p * r / (p + r) : 0)
            support.append(actual)
        }
        let mean = { (v: [Double]) in v.reduce(0, +) / Double(max(v.count, 1)) }
        // balanced accuracy averages recall over classes that occur in the truth only.
        let truthRecalls = zip(recall, support).filter { $0.1 > 0 }.map(\.0)
        var logLoss = 0.0
        for (i, t) in truth.enumerated() {
            let p = min(max(probabilities[i][t], 1e-15), 1 - 1e-15)
            logLoss -= log(p)
        }
        return [
            "accuracy": Double(correct) / n,
            "balanced_accuracy": mean(truthRecalls),
            "precision_macro": mean(precision),
            "recall_macro": mean(recall),
            "f1_macro": mean(f1),
            "f1_weighted": zip(f1, support).reduce(0) { $0 + $1.0 * $1.1 } / n,
            "log_loss": logLoss / n,
        ]
    }
}
