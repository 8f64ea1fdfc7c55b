import Dispatch
import Synchronization

/// A decision tree or a random forest of classification trees: the estimator with its
/// hyperparameters, before fitting.
///
/// A forest grows each tree on a bootstrap sample (drawn with replacement, the draw counts used
/// as weights, as scikit-learn does) with a seed derived from the model seed and the tree's index,
/// so the forest does not depend on which thread grew which tree.
public struct TreeEnsembleClassifier: Sendable {
    public var growth: TreeGrowth
    public var trees: Int
    public var bootstrap: Bool
    public var seed: UInt64

    public init(growth: TreeGrowth, trees: Int = 1, bootstrap: Bool = false, seed: UInt64 = 0) {
        self.growth = growth
        self.trees = trees
        self.bootstrap = bootstrap
        self.seed = seed
    }

    /// Fits the trees, in parallel on all cores.
    /// - Parameters:
    ///   - x: encoded features, one row per sample.
    ///   - y: class indices in `0..<classes`.
    /// - Complexity: O(trees · F · n log n · depth) / cores.
    public func fit(_ x: Matrix, _ y: [Int], classes: Int) -> TreeEnsembleModel {
        let result = Mutex([Tree?](repeating: nil, count: trees))
        let (trees, seed, bootstrap, growth) = (self.trees, self.seed, self.bootstrap, self.growth)
        let fitOne = { @Sendable (t: Int) in
            let treeSeed = trees == 1 ? seed : SplitMix64.derive(seed, t)
            var rng = SplitMix64(seed: treeSeed)
            var weights = [Double](repeating: 1, count: x.rows)
            if bootstrap {
                weights = [Double](repeating: 0, count: x.rows)
                for _ in 0..<x.rows { weights[rng.below(x.rows)] += 1 }
            }
            var builder = TreeBuilder(x: x, y: y, weights: weights, classes: classes, growth: growth, rng: rng)
            let tree = builder.build()
            result.withLock { $0[t] = tree }
        }
        if trees == 1 {
            fitOne(0)
        } else {
            DispatchQueue.concurrentPerform(iterations: trees, execute: fitOne)
        }
        return TreeEnsembleModel(trees: result.withLock { $0.map { $0! } }, classes: classes)
    }
}

/// Fitted trees whose leaf class distributions are averaged.
public struct TreeEnsembleModel: Sendable, Equatable {
    public var trees: [Tree]
    public var classes: Int

    /// Adds the averaged class probabilities for one encoded row to `out` (which must hold `classes` zeros).
    /// - Complexity: O(trees · depth).
    public func probabilities(_ row: UnsafeBufferPointer<Double>, into out: UnsafeMutableBufferPointer<Double>) {
        for tree in trees {
            let leaf = tree.leaf(for: row)
            let base = leaf * classes
            for k in 0..<classes { out[k] += tree.value[base + k] }
        }
        let count = Double(trees.count)
        for k in 0..<classes { out[k] /= count }
    }
}
