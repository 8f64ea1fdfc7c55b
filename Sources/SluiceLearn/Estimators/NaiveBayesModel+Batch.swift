#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension NaiveBayesModel {
    /// Writes the class probabilities for `range` of `x` into `out` (row `r`'s at
    /// `out + r × classes`): the per-class log-likelihoods of a block of rows summed column by
    /// column, with `log(2πσ²)` computed once per call instead of once per row. Each sum runs in
    /// the same order, on the same terms, as ``predict(_:into:)``'s, so the values are the same Doubles.
    /// - Complexity: O(rows × features × classes).
    func predict<C: EncodedColumns>(_ x: C, rows range: Range<Int>, into out: UnsafeMutablePointer<Double>) {
        let classes = priors.count, block = LinearModel.batchBlock
        let logs = variances.map { log(2 * Double.pi * $0) }
        let column = UnsafeMutablePointer<Double>.allocate(capacity: block)
        let acc = UnsafeMutablePointer<Double>.allocate(capacity: block * classes)
        defer { column.deallocate(); acc.deallocate() }
        var lo = range.lowerBound
        while lo < range.upperBound {
            let n = min(block, range.upperBound - lo)
            for k in 0..<classes { (acc + k * block).update(repeating: log(max(priors[k], 1e-300)), count: n) }
            for c in 0..<features {
                x.withColumn(c, rows: lo..<(lo + n), scratch: column, copy: false) { v in
                    for k in 0..<classes {
                        let j = k * features + c
                        let (variance, mean, logTerm, a) = (variances[j], means[j], logs[j], acc + k * block)
                        for i in 0..<n {
                            let diff = v[i] - mean
                            a[i] -= 0.5 * (logTerm + diff * diff / variance)
                        }
                    }
                }
            }
            softmaxRows(acc, stride: block, rows: n, outputs: classes, into: out + lo * classes)
            lo += n
        }
    }
}
