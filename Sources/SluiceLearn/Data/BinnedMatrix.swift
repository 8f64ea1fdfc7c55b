import Dispatch
import Synchronization

/// Features discretised into at most 255 bins each, the input of the histogram-based tree learners.
///
/// A feature with at most `maxBins` distinct values gets one bin per value, so splits are exactly
/// those an exact learner would consider; otherwise bin edges are quantiles of the values. Bin `b`
/// holds the values `x ≤ edges[b]` not in a lower bin; the last bin holds the rest. A split
/// "bins ≤ b go left" is the raw-value test `x ≤ edges[b]`, so fitted trees predict from raw rows.
public struct BinnedMatrix: Sendable {
    public let rows: Int
    public let cols: Int
    /// Upper edges of each feature's bins (one fewer than its bins).
    public let edges: [[Double]]
    /// `codes[c * rows + r]`: the bin of row `r`, feature `c`.
    public let codes: [UInt8]

    /// Number of bins of feature `c`.
    public func binCount(_ c: Int) -> Int { edges[c].count + 1 }

    /// Bins every column of `x`, in parallel over columns.
    /// - Complexity: O(n) per feature for the edges (a radix sort of at most 400,000 sampled
    ///   values), then O(n) to assign bins when every value was sorted (O(n log bins) otherwise).
    public init(_ x: Matrix, maxBins: Int = 255) {
        precondition(maxBins >= 2 && maxBins <= 256)
        rows = x.rows
        cols = x.cols
        let n = x.rows
        let featureEdges = Mutex([[Double]](repeating: [], count: x.cols))
        codes = [UInt8](unsafeUninitializedCapacity: n * x.cols) { buffer, count in
            count = n * x.cols
            let out = BinnedMatrix.SendableCodes(p: buffer.baseAddress)
            DispatchQueue.concurrentPerform(iterations: x.cols) { c in
                x.values.withUnsafeBufferPointer { values in
                    let column = UnsafeBufferPointer(rebasing: values[(c * n)..<((c + 1) * n)])
                    let e = BinnedMatrix.bin(column, maxBins: maxBins, into: out.p! + c * n)
                    featureEdges.withLock { $0[c] = e }
                }
            }
        }
        edges = featureEdges.withLock { $0 }
    }

    /// A column's share of the codes being written, shared by the threads of the binning.
    private struct SendableCodes: @unchecked Sendable {
        let p: UnsafeMutablePointer<UInt8>?
    }

    /// One feature's edges (``edges(_:maxBins:)``), and each value's bin written to `out`. When
    /// the edges come from every value (fewer than 400,000, none NaN), the values are radix-sorted
    /// with their row numbers and the bins assigned in one walk of that order; otherwise each value
    /// is placed by a binary search.
    static func bin(_ column: UnsafeBufferPointer<Double>, maxBins: Int, into out: UnsafeMutablePointer<UInt8>) -> [Double] {
        let n = column.count
        if n > 0 && n / 200_000 <= 1, let order = SortedValues(column) {
            let e = order.edges(maxBins: maxBins)
            e.withUnsafeBufferPointer { edges in
                var b = 0
                for i in 0..<n {
                    let r = Int(order.rows[i]), v = column[r]
                    while b < edges.count && !(v <= edges[b]) { b += 1 }
                    out[r] = UInt8(b)
                }
            }
            return e
        }
        let e = BinnedMatrix.edges(ArraySlice(column), maxBins: maxBins)
        e.withUnsafeBufferPointer { edges in
            for (i, v) in column.enumerated() { out[i] = UInt8(BinnedMatrix.bin(v, edges)) }
        }
        return e
    }

    /// Index of the first edge ≥ `v` (binary search), or the number of edges.
    @inline(__always)
    static func bin(_ v: Double, _ edges: UnsafeBufferPointer<Double>) -> Int {
        var lo = 0, hi = edges.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if v <= edges[mid] { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }

    /// The bin edges of one feature: midpoints between distinct values when there are few, else
    /// quantiles of (a deterministic sample of) the values.
    static func edges(_ values: ArraySlice<Double>, maxBins: Int) -> [Double] {
        let stride = max(1, values.count / 200_000)
        var sample: [Double] = []
        sample.reserveCapacity(values.count / stride + 1)
        var i = values.startIndex
        while i < values.endIndex { sample.append(values[i]); i += stride }
        sample.sort()
        var distinct: [Double] = []
        var counts: [Int] = []
        for v in sample {
            if let last = distinct.last, last == v { counts[counts.count - 1] += 1 } else { distinct.append(v); counts.append(1) }
        }
        return edges(distinct: distinct, counts: counts, total: sample.count, maxBins: maxBins)
    }

    /// The edges from the distinct values of a sorted sample and how often each occurs.
    static func edges(distinct: [Double], counts: [Int], total: Int, maxBins: Int) -> [Double] {
        if distinct.count <= maxBins {
            return (0..<max(0, distinct.count - 1)).map { k in
                let mid = distinct[k] / 2 + distinct[k + 1] / 2
                return mid >= distinct[k + 1] ? distinct[k] : mid
            }
        }
        // Quantile edges over the distinct values weighted by their counts.
        var out: [Double] = []
        var cumulative = 0
        var next = 1
        for (k, v) in distinct.enumerated() where k < distinct.count - 1 {
            cumulative += counts[k]
            if cumulative * maxBins >= next * total {
                let mid = v / 2 + distinct[k + 1] / 2
                out.append(mid >= distinct[k + 1] ? v : mid)
                while next * total <= cumulative * maxBins { next += 1 }
                if out.count == maxBins - 1 { break }
            }
        }
        return out
    }
}
