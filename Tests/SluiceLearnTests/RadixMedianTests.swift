import Testing
@testable import SluiceLearn

/// The radix median against the definition (sort, take the middle), on the shapes data has:
/// spread and narrow ranges, many ties, negatives, infinities, signed zeros, odd and even counts.
@Suite struct RadixMedianTests {
    static func sorted(_ values: [Double]) -> Double {
        let s = values.map { $0 == 0 ? 0 : $0 }.sorted()
        let mid = s.count / 2
        return s.count % 2 == 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2
    }

    static func radix(_ values: [Double]) -> Double {
        var copy = values
        return copy.withUnsafeMutableBufferPointer { RadixMedian.median($0) }
    }

    static let shapes: [(String, @Sendable (inout SplitMix64, Int) -> Double)] = [
        ("uniform", { rng, _ in Double(rng.next() % 1_000_000) / 7.0 - 50_000 }),
        ("narrow", { rng, _ in 1.0 + Double(rng.next() % 1000) * 1e-12 }),
        ("ties", { rng, _ in Double(rng.next() % 5) }),
        ("signed zeros", { rng, i in i % 3 == 0 ? -0.0 : (i % 3 == 1 ? 0.0 : Double(Int(rng.next() % 3)) - 1) }),
        ("infinities", { rng, i in i % 7 == 0 ? -.infinity : (i % 11 == 0 ? .infinity : Double(rng.next() % 100)) }),
        ("constant", { _, _ in 3.25 }),
        ("wide", { rng, _ in Double(bitPattern: rng.next() & ~(0x7FF << 52) | (UInt64(rng.next() % 2046 + 1) << 52)) }),
    ]

    @Test(arguments: [1, 2, 3, 4095, 4096, 4097, 10_000, 10_001, 65_537])
    func matchesTheDefinition(count: Int) {
        for (name, draw) in Self.shapes {
            var rng = SplitMix64(seed: UInt64(count))
            let values = (0..<count).map { draw(&rng, $0) }
            let expected = Self.sorted(values), got = Self.radix(values)
            #expect(got.bitPattern == expected.bitPattern, "\(name), \(count) values: \(got) vs \(expected)")
        }
    }
}

extension RadixMedianTests {
    /// The encoder's median takes the radix path for large columns and gives the value quickselect gives.
    @Test func encoderMedianAgreesWithQuickselect() {
        var rng = SplitMix64(seed: 11)
        for count in [RadixMedian.threshold - 1, RadixMedian.threshold, 50_000, 50_001] {
            let values = (0..<count).map { _ in Double(rng.next() % 10_000) / 3 }
            var a = values, b = values
            let viaEncoder = FeatureEncoder.median(&a)
            let mid = b.count / 2
            let upper = b.withUnsafeMutableBufferPointer { FeatureEncoder.select($0, mid) }
            let lower = b[..<mid].max() ?? upper
            #expect(viaEncoder == (count % 2 == 1 ? upper : (lower + upper) / 2), "\(count) values")
        }
    }
}

extension RadixMedianTests {
    /// The NaN-skipping median (the encoder's path for large columns) equals the median of the
    /// present values, leaves the column as it was, and says "none" when every value is missing.
    @Test func skippingNaNMatchesTheMedianOfThePresentValues() {
        var rng = SplitMix64(seed: 5)
        for count in [1, 2, 4096, 10_001, 65_537] {
            for (name, draw) in Self.shapes {
                let column = (0..<count).map { i in i % 5 == 3 ? Double.nan : draw(&rng, i) }
                let present = column.filter { !$0.isNaN }
                let got = column.withUnsafeBufferPointer { RadixMedian.median(skippingNaN: $0) }
                if present.isEmpty {
                    #expect(got == nil, "\(name), \(count) values")
                } else {
                    #expect(got?.bitPattern == Self.sorted(present).bitPattern, "\(name), \(count) values")
                }
            }
        }
        let missing = [Double](repeating: .nan, count: 5000)
        #expect(missing.withUnsafeBufferPointer { RadixMedian.median(skippingNaN: $0) } == nil)
    }
}
