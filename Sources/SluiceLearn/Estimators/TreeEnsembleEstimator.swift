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
        fit(BinnedMatrix(x, maxBins: maxBins), .classes(y, count: classes), progress)
    }

    /// Fits a regressor.
    public func fit(_ x: Matrix, values y: [Double], progress: TrainingProgress? = nil) -> TreeEnsembleModel {
        fit(BinnedMatrix(x, maxBins: maxBins), .values(y), progress)
    }

    func fit(_ rows: Trainer.Prepared, progress: TrainingProgress?) -> ModelArtifact.Fitted {
        .trees(rows.task == .classification ? fit(rows.x, classes: rows.y, count: rows.target.classes.count, progress: progress)
                                            : fit(rows.x, values: rows.values, progress: progress))
    }

    /// Grows the trees, in parallel on all cores. Each tree is packed as soon as it is grown and
    /// joined to the forest in tree order once the trees before it are in, so the builder's arrays
    /// of a tree are dropped at once and the forest is held once.
    /// - Complexity: O(trees · F · (n + bins · K) · depth) / cores.
    func fit(_ x: BinnedMatrix, _ target: TreeTarget, _ progress: TrainingProgress?) -> TreeEnsembleModel {
        let outputs: Int
        switch target {
        case .classes(_, let k): outputs = k
        case .values: outputs = 1
        }
        struct Joined {
            var forest: PackedForestBuilder
            var waiting: [Int: PackedTree] = [:]
            var next = 0
        }
        let joined = Mutex(Joined(forest: PackedForestBuilder(outputs: outputs)))
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
            guard let tree = PackedTree(builder.build(), outputs: outputs) else { preconditionFailure("the builder writes canonical trees") }
            joined.withLock { j in
                j.waiting[t] = tree
                while let ready = j.waiting.removeValue(forKey: j.next) {
                    j.forest.append(ready)
                    j.next += 1
                }
            }
            let finished = done.add(1, ordering: .relaxed).newValue
            if progress?(Double(finished) / Double(trees)) == false { stopped.store(true, ordering: .relaxed) }
        }
        if trees == 1 {
            fitOne(0)
        } else {
            DispatchQueue.concurrentPerform(iterations: trees, execute: fitOne)
        }
        // A cancelled fit returns the trees it finished in order (those after a skipped one are
        // dropped); ``Trainer`` reports the cancellation.
        return joined.withLock { $0.forest.model() }
    }
}
