#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Classification metrics, computed as scikit-learn computes them (a class with no predicted rows
/// has precision 0, as with `zero_division=0`).
public enum ClassificationMetrics {
    /// Every classification metric for the given predictions.
    /// - Parameters:
    ///   - probabilities: per row, the probability of each class (for `roc_auc` and `log_loss`).
    /// - Returns: the metrics; `roc_auc` is left out when it is undefined (one class in the truth).
    /// - Throws: ``LearnError`` on empty input.
    public static func all(truth: [Int], predicted: [Int], probabilities: [[Double]], classes: Int) throws -> [String: Double] {
        guard !truth.isEmpty else { throw LearnError("cannot compute metrics on an empty test set") }
        let cm = ConfusionMatrix(truth: truth, predicted: predicted, classes: classes)
        let n = Double(truth.count)
        var correct = 0
        var precision = [Double](), recall = [Double](), f1 = [Double](), support = [Double]()
        for k in 0..<classes {
            let tp = Double(cm[k, k])
            correct += cm[k, k]
            let actual = Double((0..<classes).reduce(0) { $0 + cm[k, $1] })
            let predictedK = Double((0..<classes).reduce(0) { $0 + cm[$1, k] })
            // scikit-learn's macro averages run over the labels present in truth or predictions.
            if actual == 0 && predictedK == 0 { continue }
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
        var metrics: [String: Double] = [
            "accuracy": Double(correct) / n,
            "balanced_accuracy": mean(truthRecalls),
            "precision_macro": mean(precision),
            "recall_macro": mean(recall),
            "f1_macro": mean(f1),
            "f1_weighted": zip(f1, support).reduce(0) { $0 + $1.0 * $1.1 } / n,
            "log_loss": logLoss / n,
        ]
        if let auc = rocAUC(truth: truth, probabilities: probabilities, classes: classes) { metrics["roc_auc"] = auc }
        return metrics
    }

    /// ROC AUC: for two classes, of the second class's probability; for more, the unweighted mean
    /// of one-vs-rest AUCs over the classes present in the truth. `nil` when undefined.
    public static func rocAUC(truth: [Int], probabilities: [[Double]], classes: Int) -> Double? {
        if classes == 2 {
            return binaryAUC(positive: truth.map { $0 == 1 }, scores: probabilities.map { $0[1] })
        }
        let aucs = (0..<classes).compactMap { k in binaryAUC(positive: truth.map { $0 == k }, scores: probabilities.map { $0[k] }) }
        return aucs.isEmpty ? nil : aucs.reduce(0, +) / Double(aucs.count)
    }

    /// The Mann–Whitney form of AUC, with tied scores sharing their average rank.
    static func binaryAUC(positive: [Bool], scores: [Double]) -> Double? {
        let positives = positive.filter { $0 }.count
        let negatives = positive.count - positives
        guard positives > 0, negatives > 0 else { return nil }
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        var rankSum = 0.0
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && scores[order[j + 1]] == scores[order[i]] { j += 1 }
            let rank = Double(i + j + 2) / 2
            for m in i...j where positive[order[m]] { rankSum += rank }
            i = j + 1
        }
        let p = Double(positives)
        return (rankSum - p * (p + 1) / 2) / (p * Double(negatives))
    }
}
