/// The exact median of many doubles by radix selection: the values' bits, mapped so that unsigned
/// order is numeric order, are narrowed 12 bits at a time — one counting pass and one compacting
/// pass per level over the values still in play, until few are left to sort — with no comparison
/// branch to mispredict, where quickselect makes two or three passes whose every comparison is a
/// coin toss on unordered data.
///
/// The answer is the same value quickselect finds (an order statistic does not depend on how it is
/// found), except that −0 and +0 count as +0 (quickselect returned whichever it met).
enum RadixMedian {
    /// Below this many values, quickselect is cheaper than the 4,096 counters per level.
    static let threshold = 2048

    /// The median of `values` (no NaN; reordered in the process): the middle value, or the mean of
    /// the two middle values when the count is even.
    static func median(_ values: UnsafeMutableBufferPointer<Double>) -> Double {
        precondition(!values.isEmpty)
        var counts = [Int](repeating: 0, count: 1 << 12)
        return values.withMemoryRebound(to: UInt64.self) { keys in
            counts.withUnsafeMutableBufferPointer { counts in
                for i in 0..<keys.count {
                    let k = key(keys[i])
                    keys[i] = k
                    counts[digit(k, 52)] += 1
                }
                return median(keys: keys, topCounts: counts)
            }
        }
    }

    /// The median of the values of `column` that are not NaN, or nil when every value is NaN.
    /// The column is left as it is: the present values' keys are written to a buffer of their own
    /// and their top digit counted in the same pass, so a column is read once before the levels.
    static func median(skippingNaN column: UnsafeBufferPointer<Double>) -> Double? {
        var counts = [Int](repeating: 0, count: 1 << 12)
        var keys = [UInt64](unsafeUninitializedCapacity: column.count) { keys, count in
            counts.withUnsafeMutableBufferPointer { counts in
                var n = 0
                for v in column where !v.isNaN {
                    let k = key(v.bitPattern)
                    keys[n] = k
                    counts[digit(k, 52)] += 1
                    n += 1
                }
                count = n
            }
        }
        guard !keys.isEmpty else { return nil }
        return keys.withUnsafeMutableBufferPointer { keys in
            counts.withUnsafeMutableBufferPointer { median(keys: keys, topCounts: $0) }
        }
    }

    /// The median of the values whose keys are `keys` (reordered in the process), `counts` holding
    /// how many keys have each top digit (bits 52–63).
    private static func median(keys: UnsafeMutableBufferPointer<UInt64>, topCounts counts: UnsafeMutableBufferPointer<Int>) -> Double {
        let n = keys.count
        // `upper` is the rank of the middle value; `lower` that of the lower middle (even counts).
        var upper = n / 2
        var lower = n % 2 == 0 ? upper - 1 : -1
        var live = n
        // 12-bit digits from the top; the last overlaps the one before, which is harmless:
        // the keys still in play agree on every bit above the digit being counted.
        for shift in [52, 40, 28, 16, 4, 0] {
            if live <= 64 {
                // Few enough to sort: the ranks are positions.
                var rest = UnsafeMutableBufferPointer(rebasing: keys[0..<live])
                rest.sort()
                let v = value(rest[upper])
                return lower >= 0 ? (value(rest[lower]) + v) / 2 : v
            }
            if shift != 52 {
                counts.update(repeating: 0)
                for i in 0..<live { counts[digit(keys[i], shift)] += 1 }
            }
            // The digit holding each rank, and how many values lie in lower digits.
            var below = 0, upperDigit = 0, lowerDigit = -1
            for d in 0..<counts.count {
                let c = counts[d]
                if lower >= 0 && lowerDigit < 0 && below + c > lower { lowerDigit = d }
                if below + c > upper { upperDigit = d; break }
                below += c
            }
            if lower >= 0 && lowerDigit != upperDigit {
                // The two middle values part here: the lower is the largest in its digit,
                // the upper the smallest in its.
                var lo = UInt64.min, hi = UInt64.max
                for i in 0..<live {
                    let k = keys[i], d = digit(k, shift)
                    if d == lowerDigit { lo = max(lo, k) } else if d == upperDigit { hi = min(hi, k) }
                }
                return (value(lo) + value(hi)) / 2
            }
            upper -= below
            if lower >= 0 { lower -= below }
            var kept = 0
            for i in 0..<live {
                // Branch-free: every key is written, only the kept ones advance.
                let k = keys[i]
                keys[kept] = k
                kept &+= digit(k, shift) == upperDigit ? 1 : 0
            }
            live = kept
        }
        // Every key left is the same: both middle values are it.
        let v = value(keys[0])
        return lower >= 0 ? (v + v) / 2 : v
    }

    @inline(__always) private static func digit(_ key: UInt64, _ shift: Int) -> Int { Int(truncatingIfNeeded: (key >> UInt64(shift)) & 0xFFF) }

    /// A double's bits (given as a UInt64) mapped so that unsigned order is numeric order; −0 as +0.
    /// Branch-free: the sign of unordered data is a coin toss, and a branch on it was two thirds
    /// of the median's time (negative values have every bit flipped, others the sign bit set).
    @inline(__always) static func key(_ bits: UInt64) -> UInt64 {
        let bits = bits == 1 << 63 ? 0 : bits
        return bits ^ (UInt64(bitPattern: Int64(bitPattern: bits) >> 63) | 1 << 63)
    }

    /// The double whose ``key(_:)`` is `key`.
    @inline(__always) static func value(_ key: UInt64) -> Double {
        Double(bitPattern: key >> 63 == 1 ? key & ~(1 << 63) : ~key)
    }
}
