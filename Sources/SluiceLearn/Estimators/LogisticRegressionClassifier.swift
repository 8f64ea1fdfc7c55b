#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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
        var scores = [Double](repeating: 0, count: n * outputs)
        var residual = [Double](repeating: 0, count: n * outputs)
        let objective = { (w: [Double], grad: inout [Double]) -> Double in
            // scores[i * outputs + k] = b_k + Σ_c W[k, c] · x[i, c]
            for i in 0..<n { for k in 0..<outputs { scores[i * outputs + k] = fitIntercept ? w[outputs * d + k] : 0 } }
            for col in 0..<d {
                let base = col * n
                for k in 0..<outputs {
                    let wk = w[k * d + col]
                    if wk == 0 { continue }
                    for i in 0..<n { scores[i * outputs + k] += wk * x.values[base + i] }
                }
            }
            var loss = 0.0
            if outputs == 1 {
                for i in 0..<n {
                    let z = scores[i]
                    let t = y[i] == 1 ? 1.0 : 0.0
                    // log(1 + e^z) - t·z, computed stably
                    loss += (z > 0 ? z + log1p(exp(-z)) : log1p(exp(z))) - t * z
                    residual[i] = 1 / (1 + exp(-z)) - t
                }
            } else {
                for i in 0..<n {
                    let row = i * outputs
                    var top = -Double.infinity
                    for k in 0..<outputs { top = max(top, scores[row + k]) }
                    var sum = 0.0
                    for k in 0..<outputs { sum += exp(scores[row + k] - top) }
                    let lse = top + log(sum)
                    loss += lse - scores[row + y[i]]
                    for k in 0..<outputs { residual[row + k] = exp(scores[row + k] - lse) - (k == y[i] ? 1 : 0) }
                }
            }
            var reg = 0.0
            for j in 0..<(outputs * d) { reg += w[j] * w[j] }
            let scale = 1 / Double(n)
            for col in 0..<d {
                let base = col * n
                for k in 0..<outputs {
                    var s = 0.0
                    for i in 0..<n { s += residual[i * outputs + k] * x.values[base + i] }
                    grad[k * d + col] = s * scale + penalty * w[k * d + col]
                }
            }
            for k in 0..<outputs {
                var s = 0.0
                if fitIntercept { for i in 0..<n { s += residual[i * outputs + k] } }
                grad[outputs * d + k] = s * scale
            }
            return loss * scale + 0.5 * penalty * reg
        }
        let solver = LBFGS(maxIterations: maxIter, tolerance: tol)
        let result = solver.minimize(from: [Double](repeating: 0, count: width), objective)
        return LinearModel(
            weights: Array(result.x[0..<(outputs * d)]), intercepts: Array(result.x[(outputs * d)...]), features: d,
            link: outputs == 1 ? .sigmoid : .softmax, iterations: result.iterations, converged: result.converged)
    }
}
