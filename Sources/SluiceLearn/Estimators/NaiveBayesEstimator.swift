import Dispatch

/// Gaussian naive Bayes, as scikit-learn's `GaussianNB`: per class, a mean and a variance per
/// feature, and the class prior; variances get `varSmoothing ×` the largest feature variance added.
/// - Complexity: O(n · d) to fit, O(K · d) per prediction.
public struct NaiveBayesEstimator: Estimator {
    public var varSmoothing: Double
    public init(varSmoothing: Double) { self.varSmoothing = varSmoothing }

    func fit(_ rows: Trainer.Prepared, progress: TrainingProgress?) -> ModelArtifact.Fitted {
        .naiveBayes(fit(rows.x, rows.y, classes: rows.target.classes.count))
    }

    /// Two passes over each column (the sums, then the squared deviations, overall and per class),
    /// columns on all cores for large matrices. Every sum runs in row order, as the one-statistic-
    /// a-pass loops it replaced did, so the model is the same bytes.
    public func fit(_ x: Matrix, _ y: [Int], classes: Int) -> NaiveBayesModel {
        let n = x.rows, d = x.cols
        var counts = [Double](repeating: 0, count: classes)
        for k in y { counts[k] += 1 }
        var means = [Double](repeating: 0, count: classes * d)
        var variances = [Double](repeating: 0, count: classes * d)
        var spread = [Double](repeating: 0, count: d)
        x.values.withUnsafeBufferPointer { xs in
            y.withUnsafeBufferPointer { ys in
                counts.withUnsafeBufferPointer { cs in
                    means.withUnsafeMutableBufferPointer { ms in
                        variances.withUnsafeMutableBufferPointer { vs in
                            spread.withUnsafeMutableBufferPointer { ss in
                                let pass = ColumnPass(x: xs.baseAddress!, y: ys.baseAddress!, counts: cs.baseAddress!, means: ms.baseAddress!,
                                                      variances: vs.baseAddress!, spread: ss.baseAddress!, n: n, d: d, classes: classes)
                                if n * d >= 1_000_000 && d > 1 {
                                    DispatchQueue.concurrentPerform(iterations: d) { pass.run(column: $0) }
                                } else {
                                    for c in 0..<d { pass.run(column: c) }
                                }
                            }
                        }
                    }
                }
            }
        }
        let largest = spread.reduce(0) { max($0, $1) }
        let epsilon = varSmoothing * largest
        for i in variances.indices { variances[i] += epsilon }
        return NaiveBayesModel(priors: counts.map { $0 / Double(n) }, means: means, variances: variances, features: d)
    }

    /// One column's statistics, written into slots no other column writes.
    private struct ColumnPass: @unchecked Sendable {
        let x: UnsafePointer<Double>
        let y: UnsafePointer<Int>
        let counts: UnsafePointer<Double>
        let means: UnsafeMutablePointer<Double>
        let variances: UnsafeMutablePointer<Double>
        /// Per column: its variance over all rows.
        let spread: UnsafeMutablePointer<Double>
        let n: Int, d: Int, classes: Int

        func run(column c: Int) {
            let v = x + c * n
            // Per class: the mean, then the variance (local: neighbouring columns' slots share cache lines).
            let mu = UnsafeMutablePointer<Double>.allocate(capacity: 2 * classes)
            defer { mu.deallocate() }
            let sigma = mu + classes
            mu.initialize(repeating: 0, count: 2 * classes)
            var total = 0.0
            for i in 0..<n {
                total += v[i]
                mu[y[i]] += v[i]
            }
            let mean = total / Double(n)
            for k in 0..<classes where counts[k] > 0 { mu[k] /= counts[k] }
            var squares = 0.0
            for i in 0..<n {
                squares += (v[i] - mean) * (v[i] - mean)
                let diff = v[i] - mu[y[i]]
                sigma[y[i]] += diff * diff
            }
            spread[c] = squares / Double(n)
            for k in 0..<classes {
                if counts[k] > 0 { sigma[k] /= counts[k] }
                means[k * d + c] = mu[k]
                variances[k * d + c] = sigma[k]
            }
        }
    }
}
