/// Least squares with an optional L2 penalty: scikit-learn's `LinearRegression` (`alpha` 0) and
/// `Ridge`. The intercept is fitted by centring and is not penalised.
///
/// Solves the normal equations `(XᵀX + αI) β = Xᵀy` on centred data: by Cholesky when the matrix
/// is positive definite, else (collinear features with `alpha` 0, e.g. one-hot columns) by an
/// eigendecomposition giving the minimum-norm solution, as `lstsq` does.
/// - Complexity: O(n · d²) to form XᵀX, O(d³) to solve.
public struct LinearRegressionEstimator: Estimator {
    public var alpha: Double
    public var fitIntercept: Bool

    public init(alpha: Double, fitIntercept: Bool) {
        self.alpha = alpha
        self.fitIntercept = fitIntercept
    }

    func fit(_ rows: Trainer.Prepared, progress: TrainingProgress?) -> ModelArtifact.Fitted {
        .linear(fit(rows.x, rows.values))
    }

    public func fit(_ x: Matrix, _ y: [Double]) -> LinearModel {
        let n = x.rows, d = x.cols
        var means = [Double](repeating: 0, count: d)
        var yMean = 0.0
        if fitIntercept {
            for c in 0..<d {
                var s = 0.0
                for r in 0..<n { s += x.values[c * n + r] }
                means[c] = s / Double(n)
            }
            yMean = y.reduce(0, +) / Double(n)
        }
        // Centred columns, then Gram matrix and Xᵀy.
        var centred = x.values
        for c in 0..<d where means[c] != 0 {
            let m = means[c]
            for r in 0..<n { centred[c * n + r] -= m }
        }
        let yc = y.map { $0 - yMean }
        var gram = [Double](repeating: 0, count: d * d)
        var xty = [Double](repeating: 0, count: d)
        centred.withUnsafeBufferPointer { xs in
            for i in 0..<d {
                let ci = xs.baseAddress! + i * n
                for j in i..<d {
                    let cj = xs.baseAddress! + j * n
                    var s = 0.0
                    for r in 0..<n { s += ci[r] * cj[r] }
                    gram[i * d + j] = s
                    gram[j * d + i] = s
                }
                var s = 0.0
                for r in 0..<n { s += ci[r] * yc[r] }
                xty[i] = s
            }
        }
        for i in 0..<d { gram[i * d + i] += alpha }
        let beta = SymmetricSolver.cholesky(gram, xty, d) ?? SymmetricSolver.minimumNorm(gram, xty, d)
        var intercept = yMean
        for c in 0..<d { intercept -= beta[c] * means[c] }
        return LinearModel(weights: beta, intercepts: [intercept], features: d, link: .identity)
    }
}
