/// L2-regularised logistic regression, scikit-learn's `LogisticRegression(solver="lbfgs")`:
/// binary (one weight vector) for two classes, multinomial (softmax) for more.
///
/// Minimises `C · Σ loss + ½‖W‖²` (the intercept is not penalised), scaled by `1/n` for
/// conditioning, with L-BFGS until the largest gradient component is at most `tol` or `maxIter`
/// iterations have run.
///
/// The fields are the manifest's parameters (their defaults are ``AlgorithmCatalog``'s).
public struct LogisticRegressionClassifier: Estimator {
    public var c: Double
    public var maxIter: Int
    public var tol: Double
    public var fitIntercept: Bool

    public init(c: Double, maxIter: Int, tol: Double, fitIntercept: Bool) {
        self.c = c
        self.maxIter = maxIter
        self.tol = tol
        self.fitIntercept = fitIntercept
    }

    func fit(_ rows: Trainer.Prepared, progress: TrainingProgress?) -> ModelArtifact.Fitted {
        .linear(fit(rows.x, rows.y, classes: rows.target.classes.count))
    }

    /// Fits the weights.
    /// - Complexity: O(iterations · n · d · outputs).
    public func fit(_ x: Matrix, _ y: [Int], classes: Int) -> LinearModel {
        let outputs = classes == 2 ? 1 : classes
        let d = x.cols
        let n = x.rows
        let width = outputs * d + outputs
        let penalty = 1 / (c * Double(n))
        let objective = LogisticObjective(x: x, y: y, outputs: outputs, fitIntercept: fitIntercept, penalty: penalty)
        let solver = LBFGS(maxIterations: maxIter, tolerance: tol)
        let result = solver.minimize(from: [Double](repeating: 0, count: width), objective.evaluate)
        return LinearModel(
            weights: Array(result.x[0..<(outputs * d)]), intercepts: Array(result.x[(outputs * d)...]), features: d,
            link: outputs == 1 ? .sigmoid : .softmax, iterations: result.iterations, converged: result.converged)
    }
}
