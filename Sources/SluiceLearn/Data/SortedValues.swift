/// The values of one column in ascending order, with the row each came from: a stable LSD radix
/// sort of their bits (mapped by ``RadixMedian/key(_:)`` so that unsigned order is numeric order,
/// −0 as +0), 11 bits a pass, skipping the passes on which every key has the same digit.
///
/// Stable, with −0 and +0 equal: the same order as the stable comparison sort of `Array.sort()`,
/// so the first of a run of equal values is the one met first in the column, as there.
struct SortedValues {
    /// The column sorted (borrowed: valid while the caller's buffer is).
    let values: UnsafeBufferPointer<Double>
    /// Sorted keys, and the row of each.
    let keys: [UInt64]
    let rows: [UInt32]

    /// Sorts `column`; nil when a value is NaN (which has no place in the order) or there are
    /// more rows than 32 bits number.
    init?(_ column: UnsafeBufferPointer<Double>) {
        let n = column.count
        guard n < Int(UInt32.max) else { return nil }
        values = column
        let digits = 1 << 11, passes = 6
        var keys = [UInt64](repeating: 0, count: n)
        var rows = [UInt32](repeating: 0, count: n)
        var counts = [Int](repeating: 0, count: passes * digits)
        var nan = false
        keys.withUnsafeMutableBufferPointer { keys in
            rows.withUnsafeMutableBufferPointer { rows in
                counts.withUnsafeMutableBufferPointer { counts in
                    for i in 0..<n {
                        let v = column[i]
                        nan = nan || v != v
                        let k = RadixMedian.key(v.bitPattern)
                        keys[i] = k
                        rows[i] = UInt32(truncatingIfNeeded: i)
                        for p in 0..<passes { counts[p * digits + Int(truncatingIfNeeded: (k >> UInt64(11 * p)) & 0x7FF)] += 1 }
                    }
                }
            }
        }
        if nan { return nil }
        var otherKeys = [UInt64](repeating: 0, count: n)
        var otherRows = [UInt32](repeating: 0, count: n)
        for p in 0..<passes {
            let shift = UInt64(11 * p)
            let skip = counts.withUnsafeMutableBufferPointer { counts -> Bool in
                // Exclusive prefix sums: where each digit's keys start.
                var sum = 0
                for d in 0..<digits {
                    let c = counts[p * digits + d]
                    if c == n { return true }
                    counts[p * digits + d] = sum
                    sum += c
                }
                return false
            }
            if skip { continue }
            keys.withUnsafeBufferPointer { keys in
                rows.withUnsafeBufferPointer { rows in
                    otherKeys.withUnsafeMutableBufferPointer { toKeys in
                        otherRows.withUnsafeMutableBufferPointer { toRows in
                            counts.withUnsafeMutableBufferPointer { counts in
                                let start = counts.baseAddress! + p * digits
                                for i in 0..<n {
                                    let k = keys[i]
                                    let d = Int(truncatingIfNeeded: (k >> shift) & 0x7FF)
                                    let at = start[d]
                                    start[d] = at + 1
                                    toKeys[at] = k
                                    toRows[at] = rows[i]
                                }
                            }
                        }
                    }
                }
            }
            swap(&keys, &otherKeys)
            swap(&rows, &otherRows)
        }
        self.keys = keys
        self.rows = rows
    }

    /// ``BinnedMatrix/edges(_:maxBins:)`` of the whole column, from this order: the distinct
    /// values (each the first met of its run of equal ones) and their counts.
    func edges(maxBins: Int) -> [Double] {
        var distinct: [Double] = []
        var counts: [Int] = []
        let n = keys.count
        keys.withUnsafeBufferPointer { keys in
            var i = 0
            while i < n {
                let k = keys[i]
                var j = i + 1
                while j < n && keys[j] == k { j += 1 }
                distinct.append(values[Int(rows[i])])
                counts.append(j - i)
                i = j
            }
        }
        return BinnedMatrix.edges(distinct: distinct, counts: counts, total: n, maxBins: maxBins)
    }
}
