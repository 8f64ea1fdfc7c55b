import Dispatch
import Synchronization

/// k-nearest neighbours, as scikit-learn's `KNeighborsClassifier` / `Regressor` with the
/// Euclidean metric: fitting stores the (standardised) training rows; predicting finds the `k`
/// closest by brute force, vectorised — squared distances `‖t‖² − 2 q·t` for blocks of 512
/// training rows stored column by column, so the inner loop is a SIMD multiply-add — and on all
/// cores for batches. In 20 or more dimensions space-partitioning trees prune little, which is
/// why scikit-learn picks brute force there too.
public struct NeighborsEstimator: Sendable {
    public enum Weighting: String, Sendable, CaseIterable { case uniform, distance }
    public var k: Int
    public var weighting: Weighting

    public init(k: Int = 5, weighting: Weighting = .uniform) {
        self.k = k
        self.weighting = weighting
    }

    public func fit(_ x: Matrix, classes y: [Int], count: Int) -> NeighborsModel {
        NeighborsModel(x: x, labels: y, values: [], classes: count, k: min(k, x.rows), weighting: weighting)
    }

    public func fit(_ x: Matrix, values y: [Double]) -> NeighborsModel {
        NeighborsModel(x: x, labels: [], values: y, classes: 0, k: min(k, x.rows), weighting: weighting)
    }
}

/// Fitted k-nearest neighbours: the training rows and their targets.
public struct NeighborsModel: Sendable, Equatable {
    /// Training rows, column-major (as ``Matrix``).
    public var x: Matrix
    /// Class indices (classification) or empty.
    public var labels: [Int]
    /// Target values (regression) or empty.
    public var values: [Double]
    /// Number of classes (classification) or 0.
    public var classes: Int
    public var k: Int
    public var weighting: NeighborsEstimator.Weighting
    /// ‖t‖² of every training row.
    let norms: [Double]

    public init(x: Matrix, labels: [Int], values: [Double], classes: Int, k: Int, weighting: NeighborsEstimator.Weighting) {
        self.x = x
        self.labels = labels
        self.values = values
        self.classes = classes
        self.k = k
        self.weighting = weighting
        var norms = [Double](repeating: 0, count: x.rows)
        for c in 0..<x.cols {
            for r in 0..<x.rows { let v = x.values[c * x.rows + r]; norms[r] += v * v }
        }
        self.norms = norms
    }

    public static func == (a: NeighborsModel, b: NeighborsModel) -> Bool {
        a.x == b.x && a.labels == b.labels && a.values == b.values && a.classes == b.classes && a.k == b.k && a.weighting == b.weighting
    }

    var outputs: Int { classes > 0 ? classes : 1 }

    /// Writes the prediction (class probabilities, or the value) for one encoded row into `out`.
    public func predict(_ row: UnsafeBufferPointer<Double>, into out: UnsafeMutableBufferPointer<Double>) {
        var best = [(Double, Int)](repeating: (.infinity, -1), count: k)
        neighbours(of: row, into: &best)
        vote(best, row: row, into: out)
    }

    /// Predictions for every row of `queries`, on all cores.
    /// - Complexity: O(queries · n · d) / cores.
    public func predict(_ queries: Matrix) -> [[Double]] {
        let chunk = 64
        let chunks = (queries.rows + chunk - 1) / chunk
        let results = Mutex([[[Double]]](repeating: [], count: chunks))
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            var part: [[Double]] = []
            var row = [Double](repeating: 0, count: queries.cols)
            var best = [(Double, Int)](repeating: (.infinity, -1), count: k)
            var out = [Double](repeating: 0, count: outputs)
            for q in (c * chunk)..<min(queries.rows, (c + 1) * chunk) {
                queries.copyRow(q, into: &row)
                row.withUnsafeBufferPointer { r in
                    neighbours(of: r, into: &best)
                    out.withUnsafeMutableBufferPointer { vote(best, row: r, into: $0) }
                }
                part.append(out)
            }
            results.withLock { $0[c] = part }
        }
        return results.withLock { $0.flatMap { $0 } }
    }

    /// The `k` nearest training rows (squared distance up to a constant, index), nearest first;
    /// ties go to the lower index.
    func neighbours(of q: UnsafeBufferPointer<Double>, into best: inout [(Double, Int)]) {
        for i in 0..<k { best[i] = (.infinity, -1) }
        let n = x.rows, d = x.cols
        let block = 512
        var acc = [Double](repeating: 0, count: block)
        x.values.withUnsafeBufferPointer { xs in
            norms.withUnsafeBufferPointer { norms in
                acc.withUnsafeMutableBufferPointer { acc in
                    var start = 0
                    while start < n {
                        let len = min(block, n - start)
                        for j in 0..<len { acc[j] = norms[start + j] }
                        for c in 0..<d {
                            let qc = -2 * q[c]
                            let col = xs.baseAddress! + c * n + start
                            for j in 0..<len { acc[j] += qc * col[j] }
                        }
                        var worst = best[k - 1].0
                        for j in 0..<len where acc[j] < worst {
                            var p = k - 1
                            while p > 0 && best[p - 1].0 > acc[j] { best[p] = best[p - 1]; p -= 1 }
                            best[p] = (acc[j], start + j)
                            worst = best[k - 1].0
                        }
                        start += len
                    }
                }
            }
        }
    }

    private func vote(_ best: [(Double, Int)], row q: UnsafeBufferPointer<Double>, into out: UnsafeMutableBufferPointer<Double>) {
        var qq = 0.0
        for c in 0..<x.cols { qq += q[c] * q[c] }
        var weights = [Double](repeating: 1, count: k)
        if weighting == .distance {
            let distances = best.map { max($0.0 + qq, 0).squareRoot() }
            if distances.contains(0) {
                weights = distances.map { $0 == 0 ? 1 : 0 }
            } else {
                weights = distances.map { 1 / $0 }
            }
        }
        let total = weights.reduce(0, +)
        if classes > 0 {
            for j in 0..<classes { out[j] = 0 }
            for (i, (_, index)) in best.enumerated() { out[labels[index]] += weights[i] / total }
        } else {
            var s = 0.0
            for (i, (_, index)) in best.enumerated() { s += weights[i] * values[index] }
            out[0] = s / total
        }
    }
}
