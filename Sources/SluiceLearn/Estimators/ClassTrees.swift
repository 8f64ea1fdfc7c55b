import Dispatch
import Glibc
import Synchronization

/// Grows the trees of one boosting iteration: one for squared error and log loss, one per class
/// for softmax, and adds each tree's leaf values to its raw scores. Given the iteration's
/// probabilities the K trees of a softmax iteration are independent, so they grow in parallel:
/// each worker has its own ``LeafWiseGrower`` (row order, histograms) and gradient buffers, and
/// takes the next class not yet taken. With as many workers as cores when the classes divide
/// evenly among them or are many (digits: 10 classes, 2 workers of 5 trees) or the rows are few;
/// otherwise one worker
/// per class on its own thread, the system's scheduler sharing the cores among them (3 classes on 2
/// cores: no core idles while a third tree grows alone). Every tree is the one sequential growth
/// gives: a grower's passes sum the same rows in the same halves whether the halves run on one
/// thread or two, and a grower carries nothing from one tree to the next that changes a tree.
struct ClassTrees {
    private var growers: [LeafWiseGrower]
    private var gradients: [[Double]]
    private var hessians: [[Double]]
    private let outputs: Int

    /// - Parameter parallel: grow the trees of a softmax iteration in parallel.
    init(grower: LeafWiseGrower, outputs: Int, rows: Int, parallel: Bool) {
        self.outputs = outputs
        let workers = parallel ? Self.workers(classes: outputs, cores: sysconf(Int32(_SC_NPROCESSORS_ONLN)), rows: rows) : 1
        var grower = grower
        // Threads already run one tree each: a tree's passes stay on its thread.
        if workers > 1 { grower.parallelPasses = false }
        growers = Array(repeating: grower, count: workers)
        gradients = Array(repeating: [Double](repeating: 0, count: rows), count: workers)
        hessians = gradients
    }

    /// Workers for `classes` trees an iteration on `cores` cores: one per core if the trees divide
    /// evenly among the cores or are more than two a core (a tree is then a small share of a
    /// worker's time), or are grown on fewer than ``threadPerClassRows`` rows (starting threads
    /// would cost more than the idle core); else one per tree.
    static func workers(classes: Int, cores: Int, rows: Int) -> Int {
        if classes <= 1 || cores <= 1 { return 1 }
        let evenOrMany = classes % cores == 0 || classes > 2 * cores
        return evenOrMany || rows < threadPerClassRows ? min(classes, cores) : classes
    }

    /// Fewer training rows than this grow the trees of an iteration on a worker per core.
    static let threadPerClassRows = 8192

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
                        // Worker w touches only its own grower and buffers, and the result slot and raw
                        // scores of the classes it takes (the next one not taken, so uneven trees balance out).
                        let next = Atomic<Int>(0)
                        let body = { @Sendable (w: Int) in
                            while true {
                                let k = next.wrappingAdd(1, ordering: .relaxed).oldValue
                                if k >= outputs { break }
                                shared.gradients[w].withUnsafeMutableBufferPointer { g in
                                    shared.hessians[w].withUnsafeMutableBufferPointer { h in
                                        loss.gradients(output: k, raw: shared.raw, probabilities: shared.probabilities, rows: rows,
                                                       gradient: g.baseAddress!, hessian: h.baseAddress!)
                                    }
                                }
                                let (tree, leafOfRow) = shared.growers[w].grow(gradient: shared.gradients[w], hessian: shared.hessians[w])
                                Self.add(tree.value, leafOfRow, to: shared.raw + k * n, parallel: workers == 1)
                                shared.out[k] = tree
                            }
                        }
                        if workers == 1 {
                            body(0)
                        } else if workers <= sysconf(Int32(_SC_NPROCESSORS_ONLN)) {
                            DispatchQueue.concurrentPerform(iterations: workers, execute: body)
                        } else {
                            Self.onThreads(workers, body)
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

    /// Runs `body(0)`, …, `body(count - 1)` each on its own thread (`body(0)` on the caller's) and
    /// returns when all have: more threads than cores, which Dispatch's pool would not start.
    private static func onThreads(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
        var threads: [pthread_t] = []
        for w in 1..<count {
            let start = Unmanaged.passRetained(ThreadStart { body(w) }).toOpaque()
            var thread = pthread_t()
            let created = pthread_create(&thread, nil, { context in
                Unmanaged<ThreadStart>.fromOpaque(context!).takeRetainedValue().run()
                return nil
            }, start)
            if created == 0 {
                threads.append(thread)
            } else {
                // No thread: run it here instead (the same work, later).
                Unmanaged<ThreadStart>.fromOpaque(start).takeRetainedValue().run()
            }
        }
        body(0)
        for thread in threads { pthread_join(thread, nil) }
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

    /// What a thread started by `onThreads` runs.
    fileprivate final class ThreadStart: @unchecked Sendable {
        let run: () -> Void
        init(_ run: @escaping () -> Void) { self.run = run }
    }
}
