import CNeighbors
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
        norms = Self.norms(x)
        maxNorm = norms.max() ?? 0
        normsFinite = Self.allFinite(norms)
    }

    /// ‖t‖² of every row of `x`: `0 + x₀² + x₁² + …` in column order. Parts of the rows on all
    /// cores for large matrices, each reading the columns in place (the same sums either way).
    static func norms(_ x: Matrix) -> [Double] {
        let (n, d) = (x.rows, x.cols)
        return [Double](unsafeUninitializedCapacity: n) { buffer, count in
            count = n
            guard n > 0, let out = buffer.baseAddress else { return }
            out.initialize(repeating: 0, count: n)
            x.values.withUnsafeBufferPointer { xs in
                let source = SendablePointer(UnsafeMutablePointer(mutating: xs.baseAddress)), target = SendablePointer(out)
                let parts = n * d >= 1 << 16 ? 8 : 1
                let work = { @Sendable (part: Int) in
                    guard let src = source.pointer, let norms = target.pointer else { return }
                    let lo = n * part / parts, hi = n * (part + 1) / parts
                    for c in 0..<d {
                        let column = src + c * n
                        for r in lo..<hi { norms[r] += column[r] * column[r] }
                    }
                }
                if parts == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: parts, execute: work) }
            }
        }
    }

    /// Whether every value is finite: a branch-free scan of the exponent bits.
    static func allFinite(_ values: [Double]) -> Bool {
        let exponent = Double.infinity.bitPattern
        var seen: UInt8 = 0
        for v in values { seen |= v.bitPattern & exponent == exponent ? 1 : 0 }
        return seen == 0
    }

    /// Whether every ``norms`` value is finite, which holds exactly when every training value is
    /// finite and no row's squared norm overflows (an infinite or NaN value makes its row's sum
    /// infinite or NaN; squares are never negative, so no sum of them cancels an infinity).
    let normsFinite: Bool

    /// Whether distances between rows in the range of the training rows can be computed
    /// without overflow: every point finite, and four times the largest squared norm finite.
    /// Training refuses a model without it, and so does the artifact decoder. (Read from the
    /// norms, one value per row: see ``normsFinite``.)
    public var isFinite: Bool {
        normsFinite && Self.allFinite(values) && (4 * maxNorm).isFinite
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

    /// Predictions for every row of `queries`, on all cores, in chunks of queries that go together
    /// through the distance kernel (``Search``), which keeps a block of sums in registers and a
    /// tile of training rows in the cache while the chunk's queries pass over it.
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
        // Small batches in smaller chunks, so that both cores get a share.
        let chunk = queries.rows >= 2048 ? 64 : 16
        let chunks = (queries.rows + chunk - 1) / chunk
        let d = queries.cols
        let target = SendablePointer(out)
        let work = { @Sendable (index: Int) in
            let start = index * chunk
            let count = min(start + chunk, queries.rows) - start
            // The chunk's queries, row-major.
            var rows = [Double](repeating: 0, count: count * d)
            queries.values.withUnsafeBufferPointer { v in
                for c in 0..<d {
                    let column = v.baseAddress! + c * queries.rows + start
                    for i in 0..<count { rows[i * d + c] = column[i] }
                }
            }
            let found = rows.withUnsafeBufferPointer { search(queries: $0, count: count, variant: Self.variant) }
            var best = [(Double, Int)](repeating: (.infinity, -1), count: k)
            rows.withUnsafeBufferPointer { r in
                for i in 0..<count {
                    for j in 0..<k { best[j] = (found.distances[i * k + j], found.rows[i * k + j]) }
                    let o = UnsafeMutableBufferPointer(start: target.pointer! + (start + i) * outputs, count: outputs)
                    vote(best, row: UnsafeBufferPointer(rebasing: r[(i * d)..<((i + 1) * d)]), into: o)
                }
            }
        }
        if chunks == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: chunks, execute: work) }
    }

    /// The distance kernel this CPU runs fastest (``CNeighbors``: AVX-512, AVX2 or portable; all
    /// give the same bits).
    static let variant = sluice_knn_best()

    /// The `k` nearest training rows of each of `count` queries (row-major, ``x``'s width each),
    /// by kernel `variant`: row `q`'s at `q · k …`, nearest first, as (squared distance up to the
    /// constant ‖q‖², row); ties go to the lower row; slots never filled hold (+∞, −1).
    func search(queries: UnsafeBufferPointer<Double>, count: Int, variant: Int32) -> (distances: [Double], rows: [Int]) {
        precondition(queries.count >= count * x.cols, "one row of \(x.cols) values per query")
        var distances = [Double](repeating: .infinity, count: count * k)
        var rows = [Int](repeating: -1, count: count * k)
        x.values.withUnsafeBufferPointer { xs in
            norms.withUnsafeBufferPointer { norms in
                distances.withUnsafeMutableBufferPointer { dist in
                    rows.withUnsafeMutableBufferPointer { index in
                        sluice_knn_search(variant, xs.baseAddress, x.rows, x.cols, norms.baseAddress, queries.baseAddress,
                                          count, k, dist.baseAddress, index.baseAddress)
                    }
                }
            }
        }
        return (distances, rows)
    }

    /// The `k` nearest training rows (squared distance up to a constant, index), nearest first;
    /// ties go to the lower index. The same kernel as the batch path, one query.
    func neighbours(of q: UnsafeBufferPointer<Double>, into best: inout [(Double, Int)]) {
        let found = search(queries: q, count: 1, variant: Self.variant)
        for i in 0..<k { best[i] = (found.distances[i], found.rows[i]) }
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
