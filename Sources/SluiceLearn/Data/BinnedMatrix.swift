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
    /// - Complexity: O(n log n) per feature for the edges (on at most 200,000 sampled values), then
    ///   O(n log bins) to assign bins.
    public init(_ x: Matrix, maxBins: Int = 255) {
        precondition(maxBins >= 2 && maxBins <= 256)
        rows = x.rows
        cols = x.cols
        let n = x.rows
        let featureEdges = Mutex([[Double]](repeating: [], count: x.cols))
        let binned = Mutex([[UInt8]](repeating: [], count: x.cols))
        DispatchQueue.concurrentPerform(iterations: x.cols) { c in
            let column = x.values[(c * n)..<((c + 1) * n)]
            let e = BinnedMatrix.edges(column, maxBins: maxBins)
            var out = [UInt8](repeating: 0, count: n)
            e.withUnsafeBufferPointer { edges in
                for (i, v) in column.enumerated() { out[i] = UInt8(BinnedMatrix.bin(v, edges)) }
            }
            featureEdges.withLock { $0[c] = e }
            binned.withLock { $0[c] = out }
        }
        edges = featureEdges.withLock { $0 }
        codes = binned.withLock { $0.flatMap { $0 } }
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
        let total = sample.count
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
