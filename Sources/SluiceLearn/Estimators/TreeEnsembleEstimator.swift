import Dispatch
import Synchronization

/// A decision tree, a random forest or extremely randomised trees, for classification or
/// regression: the estimator with its hyperparameters, before fitting.
///
/// A forest grows each tree on a bootstrap sample (drawn with replacement, the draw counts used
/// as weights, as scikit-learn does) with a seed derived from the model seed and the tree's index,
/// so the forest does not depend on which thread grew which tree.
public struct TreeEnsembleEstimator: Estimator {
    public var growth: TreeGrowth
    public var trees: Int
    public var bootstrap: Bool
    public var seed: UInt64
    public var maxBins: Int

    public init(growth: TreeGrowth, trees: Int, bootstrap: Bool, seed: UInt64, maxBins: Int) {
        self.growth = growth
        self.trees = trees
        self.bootstrap = bootstrap
        self.seed = seed
        self.maxBins = maxBins
    }

    /// Fits a classifier. `y` holds class indices in `0..<classes`.
    public func fit(_ x: Matrix, classes y: [Int], count classes: Int, progress: TrainingProgress? = nil) -> TreeEnsembleModel {
        TreeEnsembleModel(trees: fit(BinnedMatrix(x, maxBins: maxBins), .classes(y, count: classes), progress), outputs: classes)
    }

    /// Fits a regressor.
    public func fit(_ x: Matrix, values y: [Double], progress: TrainingProgress? = nil) -> TreeEnsembleModel {
        TreeEnsembleModel(trees: fit(BinnedMatrix(x, maxBins: maxBins), .values(y), progress), outputs: 1)
    }

    func fit(_ rows: Trainer.Prepared, progress: TrainingProgress?) -> ModelArtifact.Fitted {
        .trees(rows.task == .classification ? fit(rows.x, classes: rows.y, count: rows.target.classes.count, progress: progress)
                                            : fit(rows.x, values: rows.values, progress: progress))
    }

    /// Grows the trees, in parallel on all cores.
    /// - Complexity: O(trees · F · (n + bins · K) · depth) / cores.
    func fit(_ x: BinnedMatrix, _ target: TreeTarget, _ progress: TrainingProgress?) -> [Tree] {
        let result = Mutex([Tree?](repeating: nil, count: trees))
        let done = Atomic<Int>(0)
        let stopped = Atomic<Bool>(false)
        let (trees, seed, bootstrap, growth) = (self.trees, self.seed, self.bootstrap, self.growth)
        let fitOne = { @Sendable (t: Int) in
            // Once the caller asks to stop, trees not yet started are skipped.
            if stopped.load(ordering: .relaxed) { return }
            let treeSeed = trees == 1 ? seed : SplitMix64.derive(seed, t)
            var rng = SplitMix64(seed: treeSeed)
            var weights = [Double](repeating: 1, count: x.rows)
            if bootstrap {
                weights = [Double](repeating: 0, count: x.rows)
                for _ in 0..<x.rows { weights[rng.below(x.rows)] += 1 }
            }
            var builder = TreeBuilder(x: x, target: target, weights: weights, growth: growth, rng: rng)
            let tree = builder.build()
            result.withLock { $0[t] = tree }
            let finished = done.add(1, ordering: .relaxed).newValue
            if progress?(Double(finished) / Double(trees)) == false { stopped.store(true, ordering: .relaxed) }
        }
        if trees == 1 {
            fitOne(0)
        } else {
            DispatchQueue.concurrentPerform(iterations: trees, execute: fitOne)
        }
        // A cancelled fit returns the trees it finished; ``Trainer`` reports the cancellation.
        return result.withLock { $0.compactMap { $0 } }
    }
}
