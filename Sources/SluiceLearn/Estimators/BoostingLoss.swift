import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The loss gradient boosting minimises, as LightGBM's `ObjectiveFunction` and scikit-learn's
/// `_loss`: squared error for regression (one raw score, identity link), binary log loss for two
/// classes (one raw score, sigmoid link), multinomial log loss for more (one raw score per class,
/// softmax). It gives the raw scores boosting starts from, each iteration's gradients and hessians
/// with respect to the raw scores, and the validation loss early stopping watches.
enum BoostingLoss: Sendable {
    /// Regression on the targets.
    case squaredError([Double])
    /// Two classes: class indices 0 and 1.
    case binaryLogLoss([Int])
    /// `classes` classes: class indices.
    case multinomialLogLoss([Int], classes: Int)

    init(_ target: TreeTarget) {
        switch target {
        case .values(let y): self = .squaredError(y)
        case .classes(let y, let k): self = k == 2 ? .binaryLogLoss(y) : .multinomialLogLoss(y, classes: k)
        }
    }

    /// Raw scores per row (and trees per iteration).
    var outputs: Int {
        if case .multinomialLogLoss(_, let k) = self { k } else { 1 }
    }

    /// The function from raw scores to predictions.
    var link: BoostedModel.Link {
        switch self {
        case .squaredError: .identity
        case .binaryLogLoss: .sigmoid
        case .multinomialLogLoss: .softmax
        }
    }

    /// The constant raw scores that minimise the loss on `rows`: the mean, the log-odds, or the
    /// log class priors (priors floored at 1e-12).
    func baseline(rows: [Int]) -> [Double] {
        let n = rows.count
        switch self {
        case .squaredError(let y):
            return [rows.reduce(0) { $0 + y[$1] } / Double(n)]
        case .binaryLogLoss(let y):
            let priors = Self.priors(y, classes: 2, rows: rows)
            return [log(priors[1] / priors[0])]
        case .multinomialLogLoss(let y, let k):
            return Self.priors(y, classes: k, rows: rows).map { log($0) }
        }
    }

    private static func priors(_ y: [Int], classes k: Int, rows: [Int]) -> [Double] {
        var counts = [Double](repeating: 0, count: k)
        for r in rows { counts[y[r]] += 1 }
        return counts.map { max($0 / Double(rows.count), 1e-12) }
    }

    /// What the trees of one iteration share, from the raw scores at its start: the softmax
    /// probabilities of every row (multinomial), nothing otherwise. Both are class-major: class `k`
    /// of training row `i` at `k * n + i`. Rows are independent, so big sets are split in two
    /// fixed row ranges on two threads (each row's arithmetic is the same either way).
    func iterationProbabilities(_ raw: UnsafePointer<Double>, rows n: Int, into softmax: UnsafeMutablePointer<Double>) {
        guard case .multinomialLogLoss(_, let outputs) = self else { return }
        let b = SoftmaxBuffers(raw: raw, softmax: softmax)
        let parts = n * outputs >= 65_536 ? 2 : 1
        let body = { @Sendable (part: Int) in
            let raw = b.raw, softmax = b.softmax
            for i in (part * n / parts)..<((part + 1) * n / parts) {
                var top = -Double.infinity
                for k in 0..<outputs { top = max(top, raw[k * n + i]) }
                var sum = 0.0
                for k in 0..<outputs {
                    // exp(0) is exactly 1: the top class needs no exp (a third of them with 3 classes).
                    let x = raw[k * n + i]
                    let e = x == top && top.isFinite ? 1 : exp(x - top)
                    softmax[k * n + i] = e
                    sum += e
                }
                for k in 0..<outputs { softmax[k * n + i] /= sum }
            }
        }
        if parts == 1 { body(0) } else { DispatchQueue.concurrentPerform(iterations: parts, execute: body) }
    }

    /// Writes the gradient and hessian of the loss with respect to raw score `k` of each training
    /// row (training row `i` is data row `rows[i]`); hessians of the log losses are floored at 1e-16.
    /// - Parameters:
    ///   - raw: the raw scores, class-major (score `k` of row `i` at `k * n + i`).
    ///   - probabilities: ``iterationProbabilities(_:rows:into:)`` of this iteration (multinomial).
    func gradients(output k: Int, raw: UnsafePointer<Double>, probabilities: UnsafePointer<Double>, rows: [Int],
                   gradient: UnsafeMutablePointer<Double>, hessian: UnsafeMutablePointer<Double>) {
        let n = rows.count
        switch self {
        case .squaredError(let y):
            for i in 0..<n { gradient[i] = raw[i] - y[rows[i]]; hessian[i] = 1 }
        case .binaryLogLoss(let y):
            // Row by row, independent: on all cores for big sets (one exp a row).
            y.withUnsafeBufferPointer { yBuffer in
                rows.withUnsafeBufferPointer { rowsBuffer in
                    let b = SigmoidBuffers(raw: raw, y: yBuffer.baseAddress!, rows: rowsBuffer.baseAddress!, g: gradient, h: hessian)
                    let parts = n >= 65_536 ? 2 : 1
                    DispatchQueue.concurrentPerform(iterations: parts) { part in
                        for i in (part * n / parts)..<((part + 1) * n / parts) {
                            let p = 1 / (1 + exp(-b.raw[i]))
                            b.g[i] = p - (b.y[b.rows[i]] == 1 ? 1 : 0)
                            b.h[i] = max(p * (1 - p), 1e-16)
                        }
                    }
                }
            }
        case .multinomialLogLoss(let y, _):
            y.withUnsafeBufferPointer { y in
                rows.withUnsafeBufferPointer { rows in
                    let p = probabilities + k * n
                    for i in 0..<n {
                        gradient[i] = p[i] - (y[rows[i]] == k ? 1 : 0)
                        hessian[i] = max(p[i] * (1 - p[i]), 1e-16)
                    }
                }
            }
        }
    }

    /// The mean loss of the raw scores of validation rows (validation row `i` is data row
    /// `rows[i]`): squared error, or log loss with probabilities floored at 1e-15.
    /// - Parameter p: scratch space for one row's predictions (at least two values).
    func validationLoss(_ raw: [Double], rows: [Int], scratch p: inout [Double]) -> Double {
        var loss = 0.0
        let outputs = outputs, link = link
        for (i, r) in rows.enumerated() {
            switch self {
            case .squaredError(let y):
                let d = raw[i] - y[r]
                loss += d * d
            case .binaryLogLoss(let y), .multinomialLogLoss(let y, _):
                for k in 0..<outputs { p[k] = raw[i * outputs + k] }
                p.withUnsafeMutableBufferPointer { BoostedModel.link(link, outputs, $0) }
                let truth = link == .sigmoid ? (y[r] == 1 ? p[1] : p[0]) : p[y[r]]
                loss -= log(max(truth, 1e-15))
            }
        }
        return loss / Double(rows.count)
    }
}

extension BoostingLoss {
    /// The arrays of the softmax pass, shared by its threads (each writes its own rows).
    fileprivate struct SoftmaxBuffers: @unchecked Sendable {
        let raw: UnsafePointer<Double>
        let softmax: UnsafeMutablePointer<Double>
    }

    /// The arrays of the sigmoid gradient pass, shared by its threads (each writes its own rows).
    fileprivate struct SigmoidBuffers: @unchecked Sendable {
        let raw: UnsafePointer<Double>
        let y: UnsafePointer<Int>
        let rows: UnsafePointer<Int>
        let g: UnsafeMutablePointer<Double>
        let h: UnsafeMutablePointer<Double>
    }
}
