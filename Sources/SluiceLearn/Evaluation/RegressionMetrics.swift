/// Regression metrics, as scikit-learn computes them.
public enum RegressionMetrics {
    /// `r2`, `rmse` and `mae`.
    /// - Throws: ``LearnError`` on empty input.
    public static func all(truth: [Double], predicted: [Double]) throws -> [String: Double] {
        guard !truth.isEmpty else { throw LearnError("cannot compute metrics on an empty test set") }
        let n = Double(truth.count)
        let mean = truth.reduce(0, +) / n
        var ssRes = 0.0, ssTot = 0.0, absolute = 0.0
        for (t, p) in zip(truth, predicted) {
            ssRes += (t - p) * (t - p)
            ssTot += (t - mean) * (t - mean)
            absolute += abs(t - p)
        }
        let r2 = ssTot > 0 ? 1 - ssRes / ssTot : (ssRes == 0 ? 1 : 0)
        return ["r2": r2, "rmse": (ssRes / n).squareRoot(), "mae": absolute / n]
    }
}
