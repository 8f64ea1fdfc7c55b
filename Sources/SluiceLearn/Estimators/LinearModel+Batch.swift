#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension LinearModel {
    /// Rows scored together: their accumulators stay in the first-level cache while every
    /// column goes by.
    static let batchBlock = 256

    /// Writes the predictions for `range` of `x` into `out` (row `r`'s at `out + r × outputs`,
    /// outputs being 2 for the sigmoid link and the number of intercepts otherwise): a blocked
    /// matrix product over the columns, with no copy of a row. Each score is summed in the same
    /// order as ``predict(_:into:)`` sums it, so the values are the same Doubles.
    /// - Complexity: O(rows × features × scores).
    func predict<C: EncodedColumns>(_ x: C, rows range: Range<Int>, into out: UnsafeMutablePointer<Double>) {
        let scores = intercepts.count, block = Self.batchBlock
        let column = UnsafeMutablePointer<Double>.allocate(capacity: block)
        let acc = UnsafeMutablePointer<Double>.allocate(capacity: block * scores)
        defer { column.deallocate(); acc.deallocate() }
        weights.withUnsafeBufferPointer { w in
            var lo = range.lowerBound
            while lo < range.upperBound {
                let n = min(block, range.upperBound - lo)
                for k in 0..<scores { (acc + k * block).update(repeating: intercepts[k], count: n) }
                for c in 0..<features {
                    x.withColumn(c, rows: lo..<(lo + n), scratch: column, copy: false) { v in
                        for k in 0..<scores {
                            let wk = w[k * features + c], a = acc + k * block
                            for i in 0..<n { a[i] += wk * v[i] }
                        }
                    }
                }
                link(acc, stride: block, count: n, into: out + lo * (link == .identity ? 1 : max(scores, 2)))
                lo += n
            }
        }
    }

    /// Turns the scores of `count` rows (score `k` of row `i` at `acc[k × stride + i]`) into
    /// predictions, row-major into `out`, as ``predict(_:into:)`` does for one row.
    private func link(_ acc: UnsafeMutablePointer<Double>, stride: Int, count: Int, into out: UnsafeMutablePointer<Double>) {
        switch link {
        case .identity:
            out.update(from: acc, count: count)
        case .sigmoid:
            for i in 0..<count {
                let p = 1 / (1 + exp(-acc[i]))
                out[2 * i] = 1 - p
                out[2 * i + 1] = p
            }
        case .softmax:
            softmaxRows(acc, stride: stride, rows: count, outputs: intercepts.count, into: out)
        }
    }
}
