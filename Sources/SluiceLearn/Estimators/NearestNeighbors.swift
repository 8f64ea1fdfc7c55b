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

    /// Predictions for every row of `queries`, on all cores; queries go four at a time through
    /// each block of training rows, so every training value loaded serves four distance sums.
    /// - Complexity: O(queries · n · d) / cores.
    public func predict(_ queries: Matrix) -> [[Double]] {
        let chunk = 64
        let starts = Array(Swift.stride(from: 0, to: queries.rows, by: chunk))
        let parts = starts.parallelMap(chunk: 1) { start -> [[Double]] in
            let end = min(start + chunk, queries.rows)
            var rows = [[Double]](repeating: [Double](repeating: 0, count: queries.cols), count: 4)
            var best = [[(Double, Int)]](repeating: [(Double, Int)](repeating: (.infinity, -1), count: k), count: 4)
            var out = [Double](repeating: 0, count: outputs)
            var part: [[Double]] = []
            var q = start
            while q < end {
                let group = min(4, end - q)
                for g in 0..<group { queries.copyRow(q + g, into: &rows[g]) }
                for g in group..<4 { rows[g] = rows[0] }
                neighbours4(rows, into: &best)
                for g in 0..<group {
                    rows[g].withUnsafeBufferPointer { r in out.withUnsafeMutableBufferPointer { vote(best[g], row: r, into: $0) } }
                    part.append(out)
                }
                q += group
            }
            return part
        }
        return parts.flatMap { $0 }
    }

    /// The `k` nearest training rows of four queries at once (see ``neighbours(of:into:)``): each
    /// block of training rows, stored column by column, is read once for four distance sums.
    func neighbours4(_ queries: [[Double]], into best: inout [[(Double, Int)]]) {
        for g in 0..<4 { for i in 0..<k { best[g][i] = (.infinity, -1) } }
        let n = x.rows, d = x.cols
        let block = 256
        var acc = [Double](repeating: 0, count: 4 * block)
        let q0 = queries[0], q1 = queries[1], q2 = queries[2], q3 = queries[3]
        x.values.withUnsafeBufferPointer { xs in
            norms.withUnsafeBufferPointer { norms in
                acc.withUnsafeMutableBufferPointer { acc in
                    let a0 = acc.baseAddress!, a1 = a0 + block, a2 = a1 + block, a3 = a2 + block
                    var start = 0
                    while start < n {
                        let len = min(block, n - start)
                        for j in 0..<len {
                            let v = norms[start + j]
                            a0[j] = v; a1[j] = v; a2[j] = v; a3[j] = v
                        }
                        for c in 0..<d {
                            let c0 = -2 * q0[c], c1 = -2 * q1[c], c2 = -2 * q2[c], c3 = -2 * q3[c]
                            let col = xs.baseAddress! + c * n + start
                            for j in 0..<len {
                                let v = col[j]
                                a0[j] += c0 * v
                                a1[j] += c1 * v
                                a2[j] += c2 * v
                                a3[j] += c3 * v
                            }
                        }
                        for g in 0..<4 {
                            let a = a0 + g * block
                            var worst = best[g][k - 1].0
                            for j in 0..<len where a[j] < worst {
                                var p = k - 1
                                while p > 0 && best[g][p - 1].0 > a[j] { best[g][p] = best[g][p - 1]; p -= 1 }
                                best[g][p] = (a[j], start + j)
                                worst = best[g][k - 1].0
                            }
                        }
                        start += len
                    }
                }
            }
        }
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
