import Dispatch
import Glibc
import Synchronization

/// Grows the trees of one boosting iteration: one for squared error and log loss, one per class
/// for softmax. Given the iteration's probabilities the K trees of a softmax iteration are
/// independent, so they grow on all cores: one worker per core (never more than K), each with its
/// own ``LeafWiseGrower`` (row order, histograms) and gradient buffers, taking the next class not
/// yet taken — so the buffers cost one set per core, not one per class. Every tree
/// is the one sequential growth gives: a grower's passes sum the same rows in the same halves
/// whether the halves run on one thread or two, and a grower carries nothing from one tree to the
/// next that changes a tree (one grower grew all K trees in turn before).
struct ClassTrees {
    /// A grown tree and the leaf node of each training row.
    struct Grown: Sendable {
        var tree: Tree
        var leafOfRow: [Int]
    }

    private var growers: [LeafWiseGrower]
    private var gradients: [[Double]]
    private var hessians: [[Double]]
    private let outputs: Int

    /// - Parameter parallel: grow the trees of a softmax iteration on all cores.
    init(grower: LeafWiseGrower, outputs: Int, rows: Int, parallel: Bool) {
        self.outputs = outputs
        let workers = parallel ? max(1, min(outputs, sysconf(Int32(_SC_NPROCESSORS_ONLN)))) : 1
        var grower = grower
        // Threads already run one tree each: a tree's passes stay on its thread.
        if workers > 1 { grower.parallelPasses = false }
        growers = Array(repeating: grower, count: workers)
        gradients = Array(repeating: [Double](repeating: 0, count: rows), count: workers)
        hessians = gradients
    }

    /// Grows the iteration's trees, tree `k` on the gradients of raw score `k`.
    /// - Parameters:
    ///   - probabilities: ``BoostingLoss/iterationProbabilities(_:rows:)`` of `raw`.
    ///   - rows: the data row of each training row.
    mutating func grow(loss: BoostingLoss, raw: [Double], probabilities: [Double], rows: [Int]) -> [Grown] {
        let outputs = outputs, workers = growers.count
        var grown = [Grown?](repeating: nil, count: outputs)
        growers.withUnsafeMutableBufferPointer { growers in
            gradients.withUnsafeMutableBufferPointer { gradients in
                hessians.withUnsafeMutableBufferPointer { hessians in
                    grown.withUnsafeMutableBufferPointer { out in
                        let shared = Shared(growers: growers.baseAddress!, gradients: gradients.baseAddress!, hessians: hessians.baseAddress!,
                                            out: out.baseAddress!)
                        // Worker w touches only its own grower and buffers, and the result slots of the
                        // classes it takes (the next one not taken, so uneven trees balance out).
                        let next = Atomic<Int>(0)
                        let body = { @Sendable (w: Int) in
                            while true {
                                let k = next.wrappingAdd(1, ordering: .relaxed).oldValue
                                if k >= outputs { break }
                                loss.gradients(output: k, raw: raw, probabilities: probabilities, rows: rows,
                                               gradient: &shared.gradients[w], hessian: &shared.hessians[w])
                                let (tree, leafOfRow) = shared.growers[w].grow(gradient: shared.gradients[w], hessian: shared.hessians[w])
                                shared.out[k] = Grown(tree: tree, leafOfRow: leafOfRow)
                            }
                        }
                        if workers > 1 { DispatchQueue.concurrentPerform(iterations: workers, execute: body) } else { body(0) }
                    }
                }
            }
        }
        return grown.map { $0! }
    }
}

extension ClassTrees {
    /// The grower set and the result slots, shared by the threads of an iteration (worker w uses
    /// its own grower and buffers, and the slots of the classes it takes).
    fileprivate struct Shared: @unchecked Sendable {
        let growers: UnsafeMutablePointer<LeafWiseGrower>
        let gradients: UnsafeMutablePointer<[Double]>
        let hessians: UnsafeMutablePointer<[Double]>
        let out: UnsafeMutablePointer<Grown?>
    }
}
