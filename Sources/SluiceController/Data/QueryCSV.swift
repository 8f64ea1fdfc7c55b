import Foundation

/// CSV as PostgreSQL's `COPY … TO STDOUT WITH (FORMAT csv, HEADER)` writes it, for the rows of a
/// database source that is not PostgreSQL (SQLite): the same rows give the same bytes, hence the
/// same digest, whichever database they come from.
///
/// A header of the column names; one line per row, ended by `\n`; SQL NULL an empty field; a
/// text quoted (its quotes doubled) when it is empty, holds a comma, a quote or a line break, or
/// is `\.` alone on its line (the end-of-data marker of `COPY … FROM`); integers in decimal; a
/// double in its shortest round-trip form, printed as PostgreSQL's `float8` output does
/// (``double(_:)``).
public enum QueryCSV {
    /// One line: the fields (`nil`: NULL) separated by commas, ended by a line feed.
    public static func line(_ fields: [String?]) -> String {
        var out = ""
        for (i, field) in fields.enumerated() {
            if i > 0 { out += "," }
            if let field { out += text(field, alone: fields.count == 1) }
        }
        return out + "\n"
    }

    /// A text field, quoted when PostgreSQL's CSV output quotes it.
    /// - Parameter alone: whether the field is the only one of its line.
    public static func text(_ s: String, alone: Bool = false) -> String {
        let needsQuotes = s.isEmpty || (alone && s == "\\.") || s.utf8.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }
        guard needsQuotes else { return s }
        return "\"" + s.replacing("\"", with: "\"\"") + "\""
    }

    /// A double as PostgreSQL prints a `float8` (`extra_float_digits` 1, its default since 12):
    /// the shortest digits that read back as the same double, in fixed notation when the decimal
    /// exponent is from -4 to 14 (`0.0001`, `100000000000000`, no `.0`), otherwise in scientific
    /// notation with a signed exponent of at least two digits (`1e-05`, `1.5e+20`); `Infinity`,
    /// `-Infinity` and `NaN`.
    ///
    /// PostgreSQL's shortest form (Ryu without `STRICTLY_SHORTEST`) excludes the bounds of the
    /// interval that reads back as the double, where Swift's includes them (a decimal exactly
    /// halfway to the next double reads back by rounding half to even): for such a double, common
    /// among integers above 2^54, PostgreSQL prints more digits (`6.5352972925476304e+16`, not
    /// `6.53529729254763e+16`), and so does this.
    /// - Complexity: O(1).
    public static func double(_ d: Double) -> String {
        if d.isNaN { return "NaN" }
        if d.isInfinite { return d < 0 ? "-Infinity" : "Infinity" }
        let sign = d.sign == .minus ? "-" : ""
        if d == 0 { return sign + "0" }
        var (digits, x) = decimal(d.magnitude.description)
        // Below 2^53 a halfway point has more than 17 significant digits: never a shortest form.
        if d.magnitude >= 0x1p53, isHalfway(digits, x, d.magnitude) {
            for n in (digits.count + 1)...17 {
                let (candidate, cx) = decimal(String(format: "%.\(n - 1)e", d.magnitude))
                if Double(scientific(candidate, cx)) == d.magnitude, !isHalfway(candidate, cx, d.magnitude) {
                    (digits, x) = (candidate, cx)
                    break
                }
            }
        }
        let ds = String(decoding: digits, as: UTF8.self)
        if x >= -4 && x < 15 {
            if x < 0 { return sign + "0." + String(repeating: "0", count: -x - 1) + ds }
            if digits.count <= x + 1 { return sign + ds + String(repeating: "0", count: x + 1 - digits.count) }
            let cut = ds.index(ds.startIndex, offsetBy: x + 1)
            return sign + ds[..<cut] + "." + ds[cut...]
        }
        let head = ds.prefix(1), tail = ds.dropFirst()
        let magnitude = abs(x)
        return sign + head + (tail.isEmpty ? "" : "." + tail) + "e" + (x < 0 ? "-" : "+") + (magnitude < 10 ? "0" : "") + String(magnitude)
    }

    /// The significant digits (no leading or trailing zeros) of a positive number's text (`12.5`,
    /// `1e-05`, `1.25e+17`) and the decimal exponent of the first: `D.DDD × 10^x`.
    static func decimal(_ text: String) -> (digits: [UInt8], x: Int) {
        let text = Substring(text)
        let mantissa: Substring
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = text[..<e]
            exponent = Int(text[text.index(after: e)...].replacing("+", with: "")) ?? 0
        } else {
            mantissa = text
        }
        let point = mantissa.firstIndex(of: ".") ?? mantissa.endIndex
        let whole = mantissa[..<point]
        let fraction = point == mantissa.endIndex ? "" : mantissa[mantissa.index(after: point)...]
        var digits = Array((whole + fraction).utf8)
        var x = exponent + whole.count - 1
        while digits.first == UInt8(ascii: "0"), digits.count > 1 {
            digits.removeFirst()
            x -= 1
        }
        while digits.last == UInt8(ascii: "0"), digits.count > 1 { digits.removeLast() }
        return (digits, x)
    }

    /// `D.DDDeX` as text.
    static func scientific(_ digits: [UInt8], _ x: Int) -> String {
        String(decoding: digits.prefix(1), as: UTF8.self) + "." + String(decoding: digits.dropFirst(), as: UTF8.self) + "0e\(x)"
    }

    /// Whether the decimal `digits × 10^x` lies on a bound of the interval of decimals that read
    /// back as `d`: halfway to a neighbouring double. Nudged by 10^-30 of itself either way, such
    /// a decimal reads as the neighbour on one side (no other decimal of at most 17 digits comes
    /// that close to a halfway point).
    static func isHalfway(_ digits: [UInt8], _ x: Int, _ d: Double) -> Bool {
        let zero = UInt8(ascii: "0")
        var up = digits + [UInt8](repeating: zero, count: 31 - digits.count)
        var down = up
        up[30] = UInt8(ascii: "1")
        // Down: subtract one unit of the 31st digit, borrowing from the last non-zero digit.
        if let last = down.lastIndex(where: { $0 != zero }) {
            down[last] -= 1
            for i in (last + 1)..<down.count { down[i] = UInt8(ascii: "9") }
        }
        let (upDigits, upX) = (up, x)
        let downX = down.first == zero ? x - 1 : x
        let downDigits = down.first == zero ? Array(down.dropFirst()) : down
        return Double(scientific(upDigits, upX)) != d || Double(scientific(downDigits, downX)) != d
    }
}
