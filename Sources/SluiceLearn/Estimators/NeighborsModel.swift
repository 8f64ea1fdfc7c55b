import Dispatch

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
    /// The largest of ``norms``: a query `q` whose `‖q‖² + 2 · maxNorm` is finite cannot overflow
    /// any distance sum `‖t‖² − 2 q·t` (by Cauchy–Schwarz).
    let maxNorm: Double

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
        maxNorm = norms.max() ?? 0
    }

    /// Whether distances between rows in the range of the training rows can be computed
    /// without overflow: every point finite, and four times the largest squared norm finite.
    /// Training refuses a model without it, and so does the artifact decoder.
    public var isFinite: Bool {
        x.values.allSatisfy(\.isFinite) && values.allSatisfy(\.isFinite) && (4 * maxNorm).isFinite
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

    /// Predictions for every row of `queries`, on all cores. The training rows are first packed
    /// into panels of four (``Panels``); queries then go four at a time through every panel with
    /// their sixteen distance sums in registers (see ``neighbours4(_:panels:into:)``).
    /// - Complexity: O(queries · n · d) / cores.
    public func predict(_ queries: Matrix) -> [[Double]] {
        var flat = [Double](repeating: 0, count: queries.rows * outputs)
        flat.withUnsafeMutableBufferPointer { predict(queries, into: $0.baseAddress!) }
        return (0..<queries.rows).map { Array(flat[($0 * outputs)..<(($0 + 1) * outputs)]) }
    }

    /// Writes the predictions for every row of `queries` into `out`, row `r`'s ``outputs``
    /// values at `out + r × outputs` (see ``predict(_:)-(Matrix)``).
    func predict(_ queries: Matrix, into out: UnsafeMutablePointer<Double>) {
        guard queries.rows > 0 else { return }
        let panels = Panels(x, norms: norms)
        let chunk = 64
        let chunks = (queries.rows + chunk - 1) / chunk
        let d = queries.cols
        let target = SendablePointer(out)
        let work = { @Sendable (index: Int) in
            let start = index * chunk
            let end = min(start + chunk, queries.rows)
            var rows = [[Double]](repeating: [Double](repeating: 0, count: d), count: 4)
            // The four queries scaled by −2, interleaved and doubled: scaled[8c + 2g] and
            // scaled[8c + 2g + 1] = −2 · query g at column c.
            var scaled = [Double](repeating: 0, count: 8 * d)
            var best = [[(Double, Int)]](repeating: [(Double, Int)](repeating: (.infinity, -1), count: k), count: 4)
            var q = start
            while q < end {
                let group = min(4, end - q)
                for g in 0..<group { queries.copyRow(q + g, into: &rows[g]) }
                for g in group..<4 { rows[g] = rows[0] }
                for c in 0..<d { for g in 0..<4 { scaled[8 * c + 2 * g] = -2 * rows[g][c]; scaled[8 * c + 2 * g + 1] = -2 * rows[g][c] } }
                neighbours4(scaled, panels: panels, into: &best)
                for g in 0..<group {
                    let o = UnsafeMutableBufferPointer(start: target.pointer! + (q + g) * outputs, count: outputs)
                    rows[g].withUnsafeBufferPointer { r in vote(best[g], row: r, into: o) }
                }
                q += group
            }
        }
        if chunks == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: chunks, execute: work) }
    }

    /// The training rows in panels of four: panel `p` holds, for each column `c`, rows
    /// `4p…4p+3` at `c` side by side, so that a distance kernel reads them as one 4-wide vector
    /// and streams through memory in order. The last panel is padded with rows of infinite norm,
    /// which are never among the nearest.
    struct Panels {
        let count: Int
        let d: Int
        /// `count · d · 4` values.
        let values: [Double]
        /// ‖t‖² for each of `count · 4` rows.
        let norms: [SIMD4<Double>]

        init(_ x: Matrix, norms rowNorms: [Double]) {
            d = x.cols
            count = (x.rows + 3) / 4
            var values = [Double](repeating: 0, count: count * d * 4)
            var norms = [SIMD4<Double>](repeating: SIMD4(repeating: .infinity), count: count)
            x.values.withUnsafeBufferPointer { xs in
                values.withUnsafeMutableBufferPointer { out in
                    for r in 0..<x.rows {
                        let (p, lane) = r.quotientAndRemainder(dividingBy: 4)
                        norms[p][lane] = rowNorms[r]
                        for c in 0..<x.cols { out[(p * x.cols + c) * 4 + lane] = xs[c * x.rows + r] }
                    }
                }
            }
            self.values = values
            self.norms = norms
        }
    }

    /// The `k` nearest training rows of four queries at once (see ``neighbours(of:into:)``),
    /// given as `scaled` (−2 · query, interleaved by column, each value twice). For each panel of four training
    /// rows, the sixteen sums `‖t‖² − 2 q·t` stay in registers while the columns go by; each is
    /// the same sum, in the same order, as the one-query kernel computes.
    func neighbours4(_ scaled: [Double], panels: Panels, into best: inout [[(Double, Int)]]) {
        for g in 0..<4 { for i in 0..<k { best[g][i] = (.infinity, -1) } }
        let d = panels.d
        var worst = SIMD4<Double>(repeating: .infinity)
        scaled.withUnsafeBufferPointer { qs in
            panels.values.withUnsafeBufferPointer { values in
                panels.norms.withUnsafeBufferPointer { norms in
                    let qbase = qs.baseAddress!
                    var panel = UnsafeRawPointer(values.baseAddress!)
                    for p in 0..<panels.count {
                        let start = norms[p]
                        var a0 = start, a1 = start, a2 = start, a3 = start
                        var qc = UnsafeRawPointer(qbase)
                        for _ in 0..<d {
                            let v = panel.loadUnaligned(as: SIMD4<Double>.self)
                            // Each query value is stored twice, so one load gives both halves.
                            let b0 = qc.loadUnaligned(as: SIMD2<Double>.self)
                            let b1 = qc.loadUnaligned(fromByteOffset: 16, as: SIMD2<Double>.self)
                            let b2 = qc.loadUnaligned(fromByteOffset: 32, as: SIMD2<Double>.self)
                            let b3 = qc.loadUnaligned(fromByteOffset: 48, as: SIMD2<Double>.self)
                            a0 += SIMD4(lowHalf: b0, highHalf: b0) * v
                            a1 += SIMD4(lowHalf: b1, highHalf: b1) * v
                            a2 += SIMD4(lowHalf: b2, highHalf: b2) * v
                            a3 += SIMD4(lowHalf: b3, highHalf: b3) * v
                            panel += 32
                            qc += 64
                        }
                        // Rarely taken: a row nearer than some query's k-th so far.
                        let nearer = (a0 .< SIMD4(repeating: worst[0])) .| (a1 .< SIMD4(repeating: worst[1]))
                            .| (a2 .< SIMD4(repeating: worst[2])) .| (a3 .< SIMD4(repeating: worst[3]))
                        guard any(nearer) else { continue }
                        for g in 0..<4 {
                            let a = g == 0 ? a0 : g == 1 ? a1 : g == 2 ? a2 : a3
                            for lane in 0..<4 where a[lane] < worst[g] {
                                var i = k - 1
                                while i > 0 && best[g][i - 1].0 > a[lane] { best[g][i] = best[g][i - 1]; i -= 1 }
                                best[g][i] = (a[lane], 4 * p + lane)
                                worst[g] = best[g][k - 1].0
                            }
                        }
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

    /// Writes the vote of the `k` neighbours found, or NaN in every output when the distances
    /// could not be computed (a query so large that `‖q‖²` or a distance sum overflowed: then
    /// some distances are NaN and may not have been ranked at all, and no neighbour is trusted).
    private func vote(_ best: [(Double, Int)], row q: UnsafeBufferPointer<Double>, into out: UnsafeMutableBufferPointer<Double>) {
        var qq = 0.0
        for c in 0..<x.cols { qq += q[c] * q[c] }
        guard (qq + 2 * maxNorm).isFinite, best.allSatisfy({ $0.1 >= 0 && $0.0.isFinite }) else {
            for j in 0..<outputs { out[j] = .nan }
            return
        }
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
