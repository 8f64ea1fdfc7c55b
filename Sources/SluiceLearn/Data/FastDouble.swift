/// Clinger's fast path for decimal → double: exact when the decimal mantissa fits in 53 bits and
/// the power of ten is at most 22, which covers nearly every number in a CSV file.
enum FastDouble {
    private static let powers: [Double] = (0...22).map { p in
        var v = 1.0
        for _ in 0..<p { v *= 10 }
        return v
    }

    /// The value of `s`, or `nil` when it is not a plain decimal or needs the slow path.
    static func parse(_ s: ArraySlice<UInt8>) -> Double? {
        s.withUnsafeBufferPointer { parse($0) }
    }

    /// The value of `s`, or `nil` when it is empty, not a plain decimal, or needs the slow path
    /// (spaces, long mantissas, big exponents).
    @inline(__always)
    static func parse(_ s: UnsafeBufferPointer<UInt8>) -> Double? {
        guard !s.isEmpty else { return nil }
        var i = s.startIndex
        let end = s.endIndex
        var negative = false
        if s[i] == UInt8(ascii: "-") || s[i] == UInt8(ascii: "+") {
            negative = s[i] == UInt8(ascii: "-")
            i += 1
        }
        var mantissa: UInt64 = 0
        var digits = 0
        var exponent = 0
        var sawDigit = false
        while i < end, s[i] &- 48 < 10 {
            sawDigit = true
            if mantissa != 0 || s[i] != 48 { digits += 1 }
            mantissa = mantissa &* 10 &+ UInt64(s[i] &- 48)
            i += 1
        }
        if i < end, s[i] == UInt8(ascii: ".") {
            i += 1
            while i < end, s[i] &- 48 < 10 {
                sawDigit = true
                if mantissa != 0 || s[i] != 48 { digits += 1 }
                mantissa = mantissa &* 10 &+ UInt64(s[i] &- 48)
                exponent -= 1
                i += 1
            }
        }
        guard sawDigit, digits <= 15 else { return digits > 15 && sawDigit ? nil : nil }
        if i < end, s[i] == UInt8(ascii: "e") || s[i] == UInt8(ascii: "E") {
            i += 1
            var expNegative = false
            if i < end, s[i] == UInt8(ascii: "-") || s[i] == UInt8(ascii: "+") {
                expNegative = s[i] == UInt8(ascii: "-")
                i += 1
            }
            var e = 0
            var expDigits = 0
            while i < end, s[i] &- 48 < 10 {
                e = e * 10 + Int(s[i] &- 48)
                expDigits += 1
                if e > 10_000 { return nil }
                i += 1
            }
            guard expDigits > 0 else { return nil }
            exponent += expNegative ? -e : e
        }
        guard i == end else { return nil }
        var value = Double(mantissa)
        if exponent < 0 {
            guard -exponent <= 22 else { return nil }
            value /= powers[-exponent]
        } else if exponent > 0 {
            guard exponent <= 22 else { return nil }
            value *= powers[exponent]
        }
        return negative ? -value : value
    }
}
