import Testing
@testable import SluiceLearn

/// The CSV reader's number parser reads eight digits at a time; it must give exactly Swift's own
/// (correctly rounded) reading of every decimal, or hand the number to the slow path.
@Suite struct FastDoubleTests {
    /// A random decimal: sign, leading zeros, 1–22 digits with a point somewhere (or none), an exponent.
    static func decimal(_ g: inout SplitMix64) -> String {
        var s = ""
        switch g.below(4) { case 0: s = "-"; case 1: s = "+"; default: break }
        s += String(repeating: "0", count: g.below(4) == 0 ? g.below(5) : 0)
        let digits = 1 + g.below(g.below(3) == 0 ? 22 : 12)
        var body = (0..<digits).map { _ in Character(String(g.below(10))) }
        if g.below(5) == 0 { body[0] = "0" }
        let point = g.below(digits + 2)
        if point <= digits { body.insert(".", at: point) }
        s += String(body)
        if g.below(4) == 0 { s += (g.below(2) == 0 ? "e" : "E") + ["", "-", "+"][g.below(3)] + String(g.below(g.below(3) == 0 ? 400 : 30)) }
        return s
    }

    @Test func randomDecimalsParseExactlyLikeSwift() {
        var g = SplitMix64(seed: 18)
        var fast = 0
        for _ in 0..<200_000 {
            let s = Self.decimal(&g)
            let bytes = Array(s.utf8)[...]
            guard let swift = Double(s), swift.isFinite else { continue }
            if let value = FastDouble.parse(bytes) {
                fast += 1
                #expect(value.bitPattern == swift.bitPattern, "\(s): \(value) vs \(swift)")
            }
            #expect(CSVReader.parseNumber(bytes)?.bitPattern == swift.bitPattern, "\(s)")
        }
        // Most of them take the fast path (the others have long mantissas or big exponents).
        #expect(fast > 100_000)
    }

    @Test(arguments: ["", "-", "+", ".", "-.", "1e", "1e+", "e5", "1.2.3", "1,5", " 1", "1 ", "0x10", "inf", "nan", "1d"])
    func nonNumbersAreNotParsed(text: String) {
        #expect(FastDouble.parse(Array(text.utf8)[...]) == nil)
    }

    @Test(arguments: [
        ("0", 0.0), ("-0", -0.0), ("007", 7), ("0.000123", 0.000123), ("12345678.5", 12345678.5),
        ("-0.497817744", -0.497817744), ("9007199254740992", 9007199254740992), ("123456789012345678", nil), ("9007199254740993", nil),
        ("1e22", 1e22), ("1e23", nil), ("5e-324", nil), (".5", 0.5), ("5.", 5), ("+.5e1", 5),
        ("00000000000000000000000001", 1), ("0.00000000000000000000001", nil), ("12345678901234567890", nil),
    ] as [(String, Double?)])
    func edgeCases(text: String, expected: Double?) {
        let value = FastDouble.parse(Array(text.utf8)[...])
        #expect(value?.bitPattern == expected?.bitPattern, "\(text): \(String(describing: value))")
        #expect(CSVReader.parseNumber(Array(text.utf8)[...]) == Double(text), "\(text)")
    }

    /// A number followed by a separator is read up to it, SWAR or not (the eight bytes may run past it).
    @Test func aPrefixStopsAtTheFirstByteAfterTheNumber() {
        let line = Array("3.14159265358979,-12345678e-3\n42,1.5E2x".utf8)
        line.withUnsafeBufferPointer { p in
            let base = p.baseAddress!
            var i = 0
            var found: [Double] = []
            while i < p.count, let (value, next) = FastDouble.prefix(base, from: i, to: p.count) {
                found.append(value)
                i = next + 1
            }
            #expect(found == [3.14159265358979, -12345.678, 42, 150])
            #expect(FastDouble.prefix(base, from: 0, to: 4)?.end == 4)
            #expect(FastDouble.prefix(base, from: 0, to: 4)?.value == 3.14)
        }
    }

    @Test func eightDigitKernelsMatchTheByteLoop() {
        var g = SplitMix64(seed: 7)
        for _ in 0..<100_000 {
            var bytes = (0..<8).map { _ in UInt8(48 + g.below(10)) }
            if g.below(3) > 0 { bytes[g.below(8)] = UInt8(truncatingIfNeeded: g.next()) }
            let word = bytes.enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
            let n = bytes.firstIndex { !(48...57).contains($0) } ?? 8
            #expect(FastDouble.leadingDigits(word) == n, "\(bytes)")
            if n > 0 {
                let value = bytes[..<n].reduce(UInt64(0)) { $0 * 10 + UInt64($1 - 48) }
                #expect(FastDouble.eightDigits(word, count: n) == value, "\(bytes)")
            }
        }
    }
}
