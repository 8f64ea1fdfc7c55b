import Dispatch

/// Grows the trees of one boosting iteration: one for squared error and log loss, one per class
/// for softmax. Given the iteration's probabilities the K trees of a softmax iteration are
/// independent, so they grow on both cores, each with its own ``LeafWiseGrower`` (row order,
/// histograms) and gradient buffers. Every tree is the one sequential growth gives: a grower's
/// passes sum the same rows in the same halves whether the halves run on one thread or two.
struct ClassTrees {
    /// A grown tree and the leaf node of each training row.
    struct Grown: Sendable {
        var tree: Tree
        var leafOfRow: [Int]
    }

    private var growers: [LeafWiseGrower]
    private var gradients: [[Double]]
    private var hessians: [[Double]]
    private let parallel: Bool

    /// - Parameter parallel: grow the trees of a softmax iteration on both cores.
    init(grower: LeafWiseGrower, outputs: Int, rows: Int, parallel: Bool) {
        self.parallel = parallel && outputs > 1
        var grower = grower
        // Threads already run one tree each: a tree's passes stay on its thread.
        if self.parallel { grower.parallelPasses = false }
        growers = Array(repeating: grower, count: outputs)
        gradients = Array(repeating: [Double](repeating: 0, count: rows), count: outputs)
        hessians = gradients
    }

    /// Grows the iteration's trees, tree `k` on the gradients of raw score `k`.
    /// - Parameters:
    ///   - probabilities: ``BoostingLoss/iterationProbabilities(_:rows:)`` of `raw`.
    ///   - rows: the data row of each training row.
    mutating func grow(loss: BoostingLoss, raw: [Double], probabilities: [Double], rows: [Int]) -> [Grown] {
        let outputs = growers.count
        var grown = [Grown?](repeating: nil, count: outputs)
        let parallel = parallel
        growers.withUnsafeMutableBufferPointer { growers in
            gradients.withUnsafeMutableBufferPointer { gradients in
                hessians.withUnsafeMutableBufferPointer { hessians in
                    grown.withUnsafeMutableBufferPointer { out in
                        let shared = Shared(growers: growers.baseAddress!, gradients: gradients.baseAddress!, hessians: hessians.baseAddress!,
                                            out: out.baseAddress!)
                        // Iteration k touches only class k's grower, buffers and result slot.
                        let body = { @Sendable (k: Int) in
                            loss.gradients(output: k, raw: raw, probabilities: probabilities, rows: rows,
                                           gradient: &shared.gradients[k], hessian: &shared.hessians[k])
                            let (tree, leafOfRow) = shared.growers[k].grow(gradient: shared.gradients[k], hessian: shared.hessians[k])
                            shared.out[k] = Grown(tree: tree, leafOfRow: leafOfRow)
                        }
                        if parallel { DispatchQueue.concurrentPerform(iterations: outputs, execute: body) } else { for k in 0..<outputs { body(k) } }
                    }
                }
            }
        }
        return grown.map { $0! }
    }
}

extension ClassTrees {
    /// The grower set and the result slots, shared by the threads of an iteration (thread k uses
    /// class k's elements only).
    fileprivate struct Shared: @unchecked Sendable {
        let growers: UnsafeMutablePointer<LeafWiseGrower>
        let gradients: UnsafeMutablePointer<[Double]>
        let hessians: UnsafeMutablePointer<[Double]>
        let out: UnsafeMutablePointer<Grown?>
    }
}
