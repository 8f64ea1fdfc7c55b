/// Least squares with an optional L2 penalty: scikit-learn's `LinearRegression` (`alpha` 0) and
/// `Ridge`. The intercept is fitted by centring and is not penalised.
///
/// Solves the normal equations `(XᵀX + αI) β = Xᵀy` on centred data: by Cholesky when the matrix
/// is positive definite, else (collinear features with `alpha` 0, e.g. one-hot columns) by an
/// eigendecomposition giving the minimum-norm solution, as `lstsq` does.
/// - Complexity: O(n · d²) to form XᵀX (``CentredGram``), O(d³) to solve.
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
        let means = CentredGram.means(x, centre: fitIntercept)
        let yMean = fitIntercept && n > 0 ? y.withUnsafeBufferPointer { CentredGram.sum($0.baseAddress!, n) } / Double(n) : 0
        // Gram matrix and Xᵀy of the centred data, in one blocked pass (no centred copy).
        var (gram, xty) = CentredGram.compute(x, y, means: means, yMean: yMean)
        for i in 0..<d { gram[i * d + i] += alpha }
        let beta = SymmetricSolver.cholesky(gram, xty, d) ?? SymmetricSolver.minimumNorm(gram, xty, d)
        var intercept = yMean
        for c in 0..<d { intercept -= beta[c] * means[c] }
        return LinearModel(weights: beta, intercepts: [intercept], features: d, link: .identity)
    }
}
