/// Clinger's fast path for decimal → double: exact when the decimal mantissa fits in 53 bits and
/// the power of ten is at most 22, which covers nearly every number in a CSV file. Both factors are
/// then exact doubles, and one IEEE multiplication or division rounds correctly, so the result is
/// the correctly rounded value (the same as `strtod` or `Double(String)`).
///
/// Digits are read eight at a time from one 64-bit load (SWAR) where eight bytes are readable.
enum FastDouble {
    /// 10^0 … 10^22, all exact doubles.
    private static let powers: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    /// The value of `s`, or `nil` when it is not a plain decimal or needs the slow path.
    static func parse(_ s: ArraySlice<UInt8>) -> Double? {
        s.withUnsafeBufferPointer { parse($0) }
    }

    /// The value of `s`, or `nil` when it is empty, not a plain decimal, or needs the slow path
    /// (spaces, long mantissas, big exponents).
    @inline(__always)
    static func parse(_ s: UnsafeBufferPointer<UInt8>) -> Double? {
        guard let base = s.baseAddress, let (value, end) = prefix(base, from: 0, to: s.count), end == s.count else { return nil }
        return value
    }

    /// The number that starts at `base[start]` and where it ends, reading no further than `end`:
    /// `[+-]digits[.digits][(e|E)[+-]digits]` with at least one mantissa digit. `nil` when there is
    /// none there, or when it needs the slow path (over 19 significant digits, a mantissa over 2^53 or
    /// a power of ten over 22). The caller checks what follows (a separator, for a whole field).
    ///
    /// Written to branch only where numbers of one file seldom differ: the sign, and how many digits
    /// come before and after the point, change nothing but data.
    @inline(__always)
    static func prefix(_ base: UnsafePointer<UInt8>, from start: Int, to end: Int) -> (value: Double, end: Int)? {
        guard start < end else { return nil }
        let first = base[start]
        let negative = first == UInt8(ascii: "-")
        let digitsStart = start + (negative || first == UInt8(ascii: "+") ? 1 : 0)
        var mantissa: UInt64 = 0
        var digits = 0
        var i = run(base, from: digitsStart, to: end, mantissa: &mantissa, digits: &digits)
        var sawDigit = i > digitsStart
        var exponent = 0
        if i < end, base[i] == UInt8(ascii: ".") {
            let fractionStart = i + 1
            i = run(base, from: fractionStart, to: end, mantissa: &mantissa, digits: &digits)
            exponent = fractionStart - i
            sawDigit = sawDigit || i > fractionStart
        }
        guard sawDigit else { return nil }
        if digits > 19 {
            // The mantissa wrapped; leading zeros may be all that made it long.
            guard let long = longMantissa(base, from: digitsStart, to: i) else { return nil }
            (mantissa, exponent) = long
        }
        if i < end, base[i] | 0x20 == UInt8(ascii: "e") {
            i += 1
            var expNegative = false
            if i < end, base[i] == UInt8(ascii: "-") || base[i] == UInt8(ascii: "+") {
                expNegative = base[i] == UInt8(ascii: "-")
                i += 1
            }
            var e = 0
            let expStart = i
            while i < end, base[i] &- 48 < 10 {
                e = e * 10 + Int(base[i] &- 48)
                if e > 10_000 { return nil }
                i += 1
            }
            guard i > expStart else { return nil }
            exponent += expNegative ? -e : e
        }
        guard mantissa <= 1 << 53 else { return nil }
        var value = Double(mantissa)
        if exponent < 0 {
            guard -exponent <= 22 else { return nil }
            value /= powers[-exponent]
        } else if exponent > 0 {
            guard exponent <= 22 else { return nil }
            value *= powers[exponent]
        }
        return (Double(bitPattern: value.bitPattern | (negative ? 1 << 63 : 0)), i)
    }

    /// Reads the decimal digits at `base[start...]` (before `end`) into `mantissa` (wrapping past 19
    /// digits, which `digits` then shows) and returns where they stop. The first sixteen bytes are
    /// read as two words without a branch on how many of them are digits.
    @inline(__always)
    private static func run(_ base: UnsafePointer<UInt8>, from start: Int, to end: Int, mantissa: inout UInt64, digits: inout Int) -> Int {
        var i = start
        if end - i >= 16 {
            let low = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self).littleEndian
            let high = UnsafeRawPointer(base + i + 8).loadUnaligned(as: UInt64.self).littleEndian
            let n = leadingDigits(low)
            let m = n == 8 ? leadingDigits(high) : 0
            mantissa = (mantissa &* scale[n] &+ eightDigits(low, count: n)) &* scale[m] &+ eightDigits(high, count: m)
            digits += n + m
            i += n + m
            if m < 8 { return i }
        }
        while i < end, base[i] &- 48 < 10 {
            mantissa = mantissa &* 10 &+ UInt64(base[i] &- 48)
            digits += 1
            i += 1
        }
        return i
    }

    /// The mantissa and power of ten of `base[start..<end]` (digits, perhaps a point and more
    /// digits) without its leading zeros; `nil` over 19 significant digits.
    @inline(never)
    private static func longMantissa(_ base: UnsafePointer<UInt8>, from start: Int, to end: Int) -> (UInt64, Int)? {
        var mantissa: UInt64 = 0, digits = 0, exponent = 0, fraction = false
        for i in start..<end {
            let b = base[i]
            if b == UInt8(ascii: ".") { fraction = true; continue }
            if fraction { exponent -= 1 }
            if mantissa == 0, b == UInt8(ascii: "0") { continue }
            guard digits < 19 else { return nil }
            mantissa = mantissa * 10 + UInt64(b &- 48)
            digits += 1
        }
        return (mantissa, exponent)
    }

    /// 10^0 … 10^8 as integers.
    private static let scale: [UInt64] = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000]

    /// How many of the eight bytes of `word` (first byte in the low bits) are ASCII digits before the
    /// first one that is not.
    @inline(__always)
    static func leadingDigits(_ word: UInt64) -> Int {
        // A byte is a digit when its high nibble is 3 and adding 6 keeps it 3 (low nibble ≤ 9). A carry
        // out of a byte (from 0xFA and above, not a digit) can only disturb the bytes after it.
        let high = word & 0xF0F0_F0F0_F0F0_F0F0
        let low = ((word &+ 0x0606_0606_0606_0606) & 0xF0F0_F0F0_F0F0_F0F0) >> 4
        let differs = (high | low) ^ 0x3333_3333_3333_3333
        // The high bit of each byte that is not zero (exact: no carries between bytes).
        let nonzero = (((differs & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x7F7F_7F7F_7F7F_7F7F) | differs) & 0x8080_8080_8080_8080
        return nonzero.trailingZeroBitCount >> 3
    }

    /// The value of the first `count` (0…8) bytes of `word`, which are ASCII digits, the first the most
    /// significant.
    @inline(__always)
    static func eightDigits(_ word: UInt64, count: Int) -> UInt64 {
        // Shifting the digits to the top leaves zero bytes below them: leading zeros, the same number
        // (and no digits at all for a shift by 64).
        var v = (word &- 0x3030_3030_3030_3030) << UInt64(64 - 8 * count)
        v = v &* 10 &+ (v >> 8)
        v = ((v & 0x0000_00FF_0000_00FF) &* 0x000F_4240_0000_0064 &+ ((v >> 16) & 0x0000_00FF_0000_00FF) &* 0x0000_2710_0000_0001) >> 32
        return v
    }
}
