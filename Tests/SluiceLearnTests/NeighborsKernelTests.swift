import CNeighbors
import Testing
@testable import SluiceLearn

/// The C distance kernel of k-nearest neighbours finds what the straightforward Swift loop finds,
/// bit for bit, in every variant this CPU runs (portable, AVX2, AVX-512), and batch prediction
/// equals per-row prediction.
@Suite struct NeighborsKernelTests {
    /// A deterministic matrix of small values on a coarse grid (so that some distances tie), with
    /// row counts that are not a multiple of any strip width.
    static func matrix(rows: Int, cols: Int, seed: UInt64, levels: Int64 = 9) -> Matrix {
        var state = seed
        var values = [Double](repeating: 0, count: rows * cols)
        for i in values.indices {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            values[i] = Double(Int64(bitPattern: state >> 11) % levels) / 4 - 1
        }
        return Matrix(rows: rows, cols: cols, values: values)
    }

    /// The search as it was written in Swift: each distance `‖t‖² + Σ_c (−2 q_c) t_c` in column
    /// order, the rows in increasing order into a sorted list, ties to the lower row.
    static func straightforward(_ m: NeighborsModel, query q: [Double]) -> [(Double, Int)] {
        var best = [(Double, Int)](repeating: (.infinity, -1), count: m.k)
        for r in 0..<m.x.rows {
            var a = m.norms[r]
            for c in 0..<m.x.cols { a += (-2 * q[c]) * m.x[r, c] }
            guard a < best[m.k - 1].0 else { continue }
            var i = m.k - 1
            while i > 0 && best[i - 1].0 > a { best[i] = best[i - 1]; i -= 1 }
            best[i] = (a, r)
        }
        return best
    }

    static var variants: [Int32] {
        let all: [Int32] = [Int32(SLUICE_KNN_PORTABLE), Int32(SLUICE_KNN_AVX2), Int32(SLUICE_KNN_AVX512)]
        return all.filter { sluice_knn_supported($0) != 0 }
    }

    /// Shapes: rows below, across and past one strip and one cache tile; 64 columns as digits;
    /// query counts that leave single queries after the groups.
    @Test(arguments: [(rows: 3, cols: 2, queries: 1, k: 3), (rows: 203, cols: 7, queries: 13, k: 5), (rows: 1257, cols: 64, queries: 19, k: 5),
                      (rows: 5001, cols: 7, queries: 9, k: 1), (rows: 40, cols: 20, queries: 8, k: 40)])
    func everyVariantMatchesTheStraightforwardSearch(_ shape: (rows: Int, cols: Int, queries: Int, k: Int)) {
        let x = Self.matrix(rows: shape.rows, cols: shape.cols, seed: 7)
        let model = NeighborsModel(x: x, labels: [Int](repeating: 0, count: x.rows), values: [], classes: 2, k: shape.k, weighting: .uniform)
        let queries = Self.matrix(rows: shape.queries, cols: shape.cols, seed: 11)
        var rowMajor = [Double](repeating: 0, count: shape.queries * shape.cols)
        for i in 0..<shape.queries { for c in 0..<shape.cols { rowMajor[i * shape.cols + c] = queries[i, c] } }
        let expected = (0..<shape.queries).flatMap { i in Self.straightforward(model, query: Array(rowMajor[(i * shape.cols)..<((i + 1) * shape.cols)])) }
        #expect(Self.variants.contains(Int32(SLUICE_KNN_PORTABLE)))
        for v in Self.variants {
            let found = rowMajor.withUnsafeBufferPointer { model.search(queries: $0, count: shape.queries, variant: v) }
            #expect(found.rows == expected.map(\.1), "variant \(v)")
            #expect(found.distances.map(\.bitPattern) == expected.map(\.0.bitPattern), "variant \(v)")
        }
    }

    /// A NaN distance is never a neighbour; a list longer than the finite distances keeps (+∞, −1).
    @Test func nanDistancesAreNeverTaken() {
        var x = Self.matrix(rows: 37, cols: 3, seed: 5)
        x.values[10] = .nan
        let model = NeighborsModel(x: x, labels: [Int](repeating: 0, count: 37), values: [], classes: 2, k: 37, weighting: .uniform)
        let q = [0.5, -0.25, 1.0]
        let expected = Self.straightforward(model, query: q)
        for v in Self.variants {
            let found = q.withUnsafeBufferPointer { model.search(queries: $0, count: 1, variant: v) }
            #expect(found.rows == expected.map(\.1))
            #expect(found.rows.last == -1 && found.rows.filter { $0 == 10 }.isEmpty)
            #expect(found.distances.map(\.bitPattern) == expected.map(\.0.bitPattern))
        }
    }

    /// Batch prediction (chunks of queries through the group kernel) equals per-row prediction
    /// (one query through the single kernel), for both weightings and regression.
    @Test(arguments: [NeighborsEstimator.Weighting.uniform, .distance])
    func batchEqualsPerRow(_ weighting: NeighborsEstimator.Weighting) {
        let x = Self.matrix(rows: 301, cols: 9, seed: 3)
        let labels = (0..<301).map { $0 % 3 }
        let values = (0..<301).map { Double($0 % 17) / 3 }
        let queries = Self.matrix(rows: 45, cols: 9, seed: 4)
        for model in [NeighborsModel(x: x, labels: labels, values: [], classes: 3, k: 6, weighting: weighting),
                      NeighborsModel(x: x, labels: [], values: values, classes: 0, k: 4, weighting: weighting)] {
            let batch = model.predict(queries)
            for i in 0..<queries.rows {
                var row = [Double](repeating: 0, count: 9)
                queries.copyRow(i, into: &row)
                var out = [Double](repeating: 0, count: model.outputs)
                row.withUnsafeBufferPointer { r in out.withUnsafeMutableBufferPointer { model.predict(r, into: $0) } }
                #expect(out.map(\.bitPattern) == batch[i].map(\.bitPattern))
            }
        }
    }

    /// The row norms (in parts on all cores for a large matrix) are the column-order sums of squares.
    @Test func normsAreTheColumnOrderSumsOfSquares() {
        let x = Self.matrix(rows: 9_001, cols: 11, seed: 9, levels: 1_000_003)
        let norms = NeighborsModel.norms(x)
        for r in 0..<x.rows {
            var s = 0.0
            for c in 0..<x.cols { s += x[r, c] * x[r, c] }
            #expect(norms[r].bitPattern == s.bitPattern)
        }
    }

    /// `isFinite`, read from the norms, says what the check of every value said: false for an
    /// infinite or NaN value and for a row whose squared norm overflows.
    @Test func finitenessFromTheNorms() {
        let base = Self.matrix(rows: 20, cols: 3, seed: 2)
        for (bad, expected) in [(0.0, true), (.infinity, false), (-.infinity, false), (.nan, false), (1e200, false), (1e150, true)] {
            var x = base
            if bad != 0 { x.values[25] = bad }
            let m = NeighborsModel(x: x, labels: [], values: [Double](repeating: 1, count: 20), classes: 0, k: 3, weighting: .uniform)
            let old = x.values.allSatisfy(\.isFinite) && (4 * (m.norms.max() ?? 0)).isFinite
            #expect(m.isFinite == expected && old == expected, "value \(bad)")
        }
        let m = NeighborsModel(x: base, labels: [], values: [Double](repeating: .nan, count: 20), classes: 0, k: 3, weighting: .uniform)
        #expect(!m.isFinite)
    }
}
