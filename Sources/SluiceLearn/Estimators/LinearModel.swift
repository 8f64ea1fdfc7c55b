#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A fitted linear model: one weight vector and intercept per output, and a link that turns the
/// scores into predictions (identity for regression, sigmoid for two classes, softmax for more).
public struct LinearModel: Sendable, Equatable {
    public enum Link: String, Sendable { case identity, sigmoid, softmax }
    /// `weights[k * features + c]`.
    public var weights: [Double]
    public var intercepts: [Double]
    public var features: Int
    public var link: Link
    /// Solver iterations run, and whether the convergence test passed (informational; iterative solvers only).
    public var iterations: Int?
    public var converged: Bool?

    public init(weights: [Double], intercepts: [Double], features: Int, link: Link, iterations: Int? = nil, converged: Bool? = nil) {
        self.weights = weights
        self.intercepts = intercepts
        self.features = features
        self.link = link
        self.iterations = iterations
        self.converged = converged
    }

    /// Writes the prediction for one encoded row into `out`: the value, or class probabilities.
    public func predict(_ row: UnsafeBufferPointer<Double>, into out: UnsafeMutableBufferPointer<Double>) {
        let outputs = intercepts.count
        switch link {
        case .identity, .sigmoid:
            var z = intercepts[0]
            for c in 0..<features { z += weights[c] * row[c] }
            if link == .identity { out[0] = z; return }
            let p = 1 / (1 + exp(-z))
            out[0] = 1 - p
            out[1] = p
        case .softmax:
            var top = -Double.infinity
            for k in 0..<outputs {
                var z = intercepts[k]
                for c in 0..<features { z += weights[k * features + c] * row[c] }
                out[k] = z
                top = max(top, z)
            }
            var sum = 0.0
            for k in 0..<outputs { out[k] = exp(out[k] - top); sum += out[k] }
            for k in 0..<outputs { out[k] /= sum }
        }
    }
}
