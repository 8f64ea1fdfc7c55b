import Dispatch
import Glibc
import Synchronization

/// Grows the trees of one boosting iteration: one for squared error and log loss, one per class
/// for softmax, and adds each tree's leaf values to its raw scores. Given the iteration's
/// probabilities the K trees of a softmax iteration are independent, so they grow on all cores:
/// one worker per core (never more than K), each with its own ``LeafWiseGrower`` (row order,
/// histograms) and gradient buffers, taking the next class not yet taken — so the buffers cost one
/// set per core, not one per class. Every tree is the one sequential growth gives: a grower's
/// passes sum the same rows in the same halves whether the halves run on one thread or two, and a
/// grower carries nothing from one tree to the next that changes a tree.
///
/// With 3 classes on 2 cores one core idles while the third tree grows. Measured on
/// synthetic_clf, the alternatives were slower: a thread per class (the scheduler sharing the
/// cores; 17 % more CPU time, the trees' histograms evicting each other from the caches), and
/// the third tree grown after the other two with its passes on both cores (a two-thread pass
/// merges its halves on one thread, and the first worker done no longer starts the third tree).
struct ClassTrees {
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
        gradients = Array(repeating: [Double](repeating: 0, count: max(rows, 1)), count: workers)
        hessians = gradients
    }

    /// Grows the iteration's trees, tree `k` on the gradients of raw score `k`, and adds its leaf
    /// values to raw score `k` of every row (one addition per row and tree, as before).
    /// - Parameters:
    ///   - raw: the raw scores, class-major (score `k` of training row `i` at `k * n + i`).
    ///   - probabilities: ``BoostingLoss/iterationProbabilities(_:rows:into:)`` of `raw`.
    ///   - rows: the data row of each training row.
    mutating func grow(loss: BoostingLoss, raw: UnsafeMutablePointer<Double>, probabilities: UnsafePointer<Double>, rows: [Int]) -> [Tree] {
        let outputs = outputs, workers = growers.count, n = rows.count
        var grown = [Tree?](repeating: nil, count: outputs)
        growers.withUnsafeMutableBufferPointer { growers in
            gradients.withUnsafeMutableBufferPointer { gradients in
                hessians.withUnsafeMutableBufferPointer { hessians in
                    grown.withUnsafeMutableBufferPointer { out in
                        let shared = Shared(growers: growers.baseAddress!, gradients: gradients.baseAddress!, hessians: hessians.baseAddress!,
                                            out: out.baseAddress!, raw: raw, probabilities: probabilities)
                        // Tree k on worker w's grower and buffers (`alone`: no other tree grows meanwhile).
                        let one = { @Sendable (k: Int, w: Int, alone: Bool) in
                            shared.gradients[w].withUnsafeMutableBufferPointer { g in
                                shared.hessians[w].withUnsafeMutableBufferPointer { h in
                                    loss.gradients(output: k, raw: shared.raw, probabilities: shared.probabilities, rows: rows,
                                                   gradient: g.baseAddress!, hessian: h.baseAddress!)
                                }
                            }
                            let (tree, leafOfRow) = shared.growers[w].grow(gradient: shared.gradients[w], hessian: shared.hessians[w])
                            Self.add(tree.value, leafOfRow, to: shared.raw + k * n, parallel: alone)
                            shared.out[k] = tree
                        }
                        if workers == 1 {
                            for k in 0..<outputs { one(k, 0, true) }
                        } else {
                            // Worker w touches only its own grower and buffers, and the result slot and raw
                            // scores of the classes it takes (the next one not taken, so uneven trees balance out).
                            let next = Atomic<Int>(0)
                            DispatchQueue.concurrentPerform(iterations: workers) { w in
                                while true {
                                    let k = next.wrappingAdd(1, ordering: .relaxed).oldValue
                                    if k >= outputs { break }
                                    one(k, w, false)
                                }
                            }
                        }
                    }
                }
            }
        }
        return grown.map { $0! }
    }

    /// `raw[i] += value[leafOfRow[i]]` for every row; big sets in two fixed halves on two threads
    /// when `parallel` (each row's one addition is the same either way).
    private static func add(_ value: [Double], _ leafOfRow: [Int], to raw: UnsafeMutablePointer<Double>, parallel: Bool) {
        let n = leafOfRow.count
        value.withUnsafeBufferPointer { value in
            leafOfRow.withUnsafeBufferPointer { leafOfRow in
                let b = AddBuffers(value: value.baseAddress!, leafOfRow: leafOfRow.baseAddress!, raw: raw)
                let parts = parallel && n >= 65_536 ? 2 : 1
                let body = { @Sendable (part: Int) in
                    for i in (part * n / parts)..<((part + 1) * n / parts) { b.raw[i] += b.value[b.leafOfRow[i]] }
                }
                if parts == 1 { body(0) } else { DispatchQueue.concurrentPerform(iterations: parts, execute: body) }
            }
        }
    }
}

extension ClassTrees {
    /// The grower set, the result slots and the raw scores, shared by the threads of an iteration
    /// (worker w uses its own grower and buffers, and the slots and scores of the classes it takes).
    fileprivate struct Shared: @unchecked Sendable {
        let growers: UnsafeMutablePointer<LeafWiseGrower>
        let gradients: UnsafeMutablePointer<[Double]>
        let hessians: UnsafeMutablePointer<[Double]>
        let out: UnsafeMutablePointer<Tree?>
        let raw: UnsafeMutablePointer<Double>
        let probabilities: UnsafePointer<Double>
    }

    /// The arrays of a raw-score update, shared by its threads (each writes its own rows).
    fileprivate struct AddBuffers: @unchecked Sendable {
        let value: UnsafePointer<Double>
        let leafOfRow: UnsafePointer<Int>
        let raw: UnsafeMutablePointer<Double>
    }
}
