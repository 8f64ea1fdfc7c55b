/// Gaussian naive Bayes, as scikit-learn's `GaussianNB`: per class, a mean and a variance per
/// feature, and the class prior; variances get `varSmoothing ×` the largest feature variance added.
/// - Complexity: O(n · d) to fit, O(K · d) per prediction.
public struct NaiveBayesEstimator: Estimator {
    public var varSmoothing: Double
    public init(varSmoothing: Double) { self.varSmoothing = varSmoothing }

    func fit(_ rows: Trainer.Prepared, progress: TrainingProgress?) -> ModelArtifact.Fitted {
        .naiveBayes(fit(rows.x, rows.y, classes: rows.target.classes.count))
    }

    public func fit(_ x: Matrix, _ y: [Int], classes: Int) -> NaiveBayesModel {
        let n = x.rows, d = x.cols
        var counts = [Double](repeating: 0, count: classes)
        for k in y { counts[k] += 1 }
        var means = [Double](repeating: 0, count: classes * d)
        var variances = [Double](repeating: 0, count: classes * d)
        var largest = 0.0
        for c in 0..<d {
            let column = x.values[(c * n)..<((c + 1) * n)]
            let mean = column.reduce(0, +) / Double(n)
            largest = max(largest, column.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n))
            for (i, v) in column.enumerated() { means[y[i] * d + c] += v }
            for k in 0..<classes where counts[k] > 0 { means[k * d + c] /= counts[k] }
            for (i, v) in column.enumerated() {
                let diff = v - means[y[i] * d + c]
                variances[y[i] * d + c] += diff * diff
            }
            for k in 0..<classes where counts[k] > 0 { variances[k * d + c] /= counts[k] }
        }
        let epsilon = varSmoothing * largest
        for i in variances.indices { variances[i] += epsilon }
        return NaiveBayesModel(priors: counts.map { $0 / Double(n) }, means: means, variances: variances, features: d)
    }
}
