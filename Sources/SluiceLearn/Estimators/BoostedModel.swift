#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A fitted gradient-boosted model: a baseline and trees whose leaf values (already scaled by the
/// learning rate) add up to raw scores, turned into predictions by the link.
public struct BoostedModel: Sendable, Equatable {
    public enum Link: String, Sendable { case identity, sigmoid, softmax }
    /// Iteration-major: with `outputs` K > 1, tree `i` adds to score `i % K`.
    public let trees: [Tree]
    public let outputs: Int
    public let baseline: [Double]
    public let link: Link
    let packed: PackedForest
    /// Each tree's depth: the steps of a walk from its root to its deepest leaf.
    let depths: [Int]

    public init(trees: [Tree], outputs: Int, baseline: [Double], link: Link) {
        self.trees = trees
        self.outputs = outputs
        self.baseline = baseline
        self.link = link
        packed = PackedForest(trees, outputs: 1)
        depths = trees.map(BoostedModel.depth)
    }

    public static func == (a: BoostedModel, b: BoostedModel) -> Bool {
        a.trees == b.trees && a.outputs == b.outputs && a.baseline == b.baseline && a.link == b.link
    }

    /// Writes the prediction for one encoded row into `out`: class probabilities (two for the
    /// sigmoid link) or the regression value. The batch kernel with one row: the same Doubles.
    public func predict(_ row: UnsafeBufferPointer<Double>, into out: UnsafeMutableBufferPointer<Double>) {
        var none = 0.0
        withUnsafePointer(to: &none) { none in
            predict(rows: row.isEmpty ? none : row.baseAddress!, count: 1, cols: row.count, into: out.baseAddress!, width: out.count)
        }
    }

    /// Turns raw scores (the first `outputs` values of `out`) into the prediction, in place.
    static func link(_ link: Link, _ outputs: Int, _ out: UnsafeMutableBufferPointer<Double>) {
        switch link {
        case .identity: break
        case .sigmoid:
            let p = 1 / (1 + exp(-out[0]))
            out[0] = 1 - p
            out[1] = p
        case .softmax:
            var top = -Double.infinity
            for k in 0..<outputs { top = max(top, out[k]) }
            var sum = 0.0
            for k in 0..<outputs { out[k] = exp(out[k] - top); sum += out[k] }
            for k in 0..<outputs { out[k] /= sum }
        }
    }
}
