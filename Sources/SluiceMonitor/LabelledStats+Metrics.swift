#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A metric measured on live labelled rows, with a 95 % interval where one is defined.
public struct LiveMetric: Equatable, Sendable {
    /// The metric's name (as in gates: `accuracy`, `f1_macro`, `rmse`, …).
    public var name: String
    /// The point estimate.
    public var value: Double
    /// The 95 % interval: Wilson's score interval for accuracy, a normal interval for MAE; `nil` for the
    /// other metrics.
    public var interval: ClosedRange<Double>?
    /// The labelled rows it was measured on.
    public var labelled: Int

    /// Creates a live metric.
    public init(name: String, value: Double, interval: ClosedRange<Double>?, labelled: Int) {
        self.name = name
        self.value = value
        self.interval = interval
        self.labelled = labelled
    }
}

extension LabelledStats {
    /// The classification metrics ``metric(_:)`` computes (from the confusion matrix).
    public static let classificationMetrics = ["accuracy", "balanced_accuracy", "precision_macro", "recall_macro", "f1_macro", "f1_weighted"]
    /// The regression metrics ``metric(_:)`` computes (from the sums).
    public static let regressionMetrics = ["rmse", "mae", "r2"]

    /// The names of the metrics ``metric(_:)`` computes for this task.
    public var metricNames: [String] { isClassification ? Self.classificationMetrics : Self.regressionMetrics }

    /// The metric called `name` on the labelled rows, or `nil` when there are none or the metric cannot be
    /// computed from these statistics (`roc_auc` and `log_loss` need probabilities per row).
    public func metric(_ name: String) -> LiveMetric? {
        let n = labelled
        guard n > 0 else { return nil }
        if isClassification {
            let k = confusion.count
            let correct = (0..<k).reduce(0) { $0 + confusion[$1][$1] }
            let support = confusion.map { $0.reduce(0, +) }
            let predicted = (0..<k).map { p in confusion.reduce(0) { $0 + $1[p] } }
            func ratio(_ a: Int, _ b: Int) -> Double { b == 0 ? 0 : Double(a) / Double(b) }
            let recall = (0..<k).map { ratio(confusion[$0][$0], support[$0]) }
            let precision = (0..<k).map { ratio(confusion[$0][$0], predicted[$0]) }
            let f1 = (0..<k).map { precision[$0] + recall[$0] == 0 ? 0 : 2 * precision[$0] * recall[$0] / (precision[$0] + recall[$0]) }
            // Classes with support (scikit-learn's macro averages over the labels present in truth or prediction).
            let present = (0..<k).filter { support[$0] > 0 || predicted[$0] > 0 }
            func macro(_ v: [Double]) -> Double { present.isEmpty ? 0 : present.reduce(0) { $0 + v[$1] } / Double(present.count) }
            switch name {
            case "accuracy":
                return LiveMetric(name: name, value: Double(correct) / Double(n), interval: Self.wilson(successes: correct, trials: n), labelled: n)
            case "balanced_accuracy":
                let withSupport = (0..<k).filter { support[$0] > 0 }
                guard !withSupport.isEmpty else { return nil }
                return LiveMetric(name: name, value: withSupport.reduce(0) { $0 + recall[$1] } / Double(withSupport.count), interval: nil, labelled: n)
            case "precision_macro": return LiveMetric(name: name, value: macro(precision), interval: nil, labelled: n)
            case "recall_macro": return LiveMetric(name: name, value: macro(recall), interval: nil, labelled: n)
            case "f1_macro": return LiveMetric(name: name, value: macro(f1), interval: nil, labelled: n)
            case "f1_weighted":
                let total = support.reduce(0, +)
                guard total > 0 else { return nil }
                return LiveMetric(name: name, value: (0..<k).reduce(0) { $0 + f1[$1] * Double(support[$1]) } / Double(total), interval: nil, labelled: n)
            default: return nil
            }
        }
        let m = Double(count)
        switch name {
        case "rmse":
            let rmse = (sumSquaredError / m).squareRoot()
            return rmse.isFinite ? LiveMetric(name: name, value: rmse, interval: nil, labelled: n) : nil
        case "mae":
            let mae = sumAbsoluteError / m
            guard mae.isFinite else { return nil }
            let variance = sumSquaredError / m - mae * mae
            let half = 1.959963984540054 * (variance > 0 ? variance / m : 0).squareRoot()
            // Only a well-formed interval: sums read from elsewhere may not fit together.
            let low = Swift.max(mae - half, 0), high = mae + half
            return LiveMetric(name: name, value: mae, interval: half.isFinite && low <= high ? low...high : nil, labelled: n)
        case "r2":
            let total = sumTruthSquared - sumTruth * sumTruth / m
            let r2 = 1 - sumSquaredError / total
            guard total > 0, r2.isFinite else { return nil }
            return LiveMetric(name: name, value: r2, interval: nil, labelled: n)
        default: return nil
        }
    }

    /// Wilson's 95 % score interval for a proportion.
    public static func wilson(successes: Int, trials: Int) -> ClosedRange<Double> {
        guard trials > 0 else { return 0...1 }
        let z = 1.959963984540054
        let n = Double(trials), p = Double(successes) / n
        let denominator = 1 + z * z / n
        let centre = (p + z * z / (2 * n)) / denominator
        let half = z * (p * (1 - p) / n + z * z / (4 * n * n)).squareRoot() / denominator
        return max(centre - half, 0)...min(centre + half, 1)
    }
}
