#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A fitted Gaussian naive Bayes model.
public struct NaiveBayesModel: Sendable, Equatable {
    public var priors: [Double]
    /// `means[k * features + c]`.
    public var means: [Double]
    public var variances: [Double]
    public var features: Int

    /// Writes the class probabilities for one encoded row into `out`.
    public func predict(_ row: UnsafeBufferPointer<Double>, into out: UnsafeMutableBufferPointer<Double>) {
        let classes = priors.count
        var top = -Double.infinity
        for k in 0..<classes {
            var ll = log(max(priors[k], 1e-300))
            for c in 0..<features {
                let v = variances[k * features + c]
                let diff = row[c] - means[k * features + c]
                ll -= 0.5 * (log(2 * Double.pi * v) + diff * diff / v)
            }
            out[k] = ll
            top = max(top, ll)
        }
        var sum = 0.0
        for k in 0..<classes { out[k] = exp(out[k] - top); sum += out[k] }
        for k in 0..<classes { out[k] /= sum }
    }
}
