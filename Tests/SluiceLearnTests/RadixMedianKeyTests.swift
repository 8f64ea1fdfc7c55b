import Testing
@testable import SluiceLearn

/// The branch-free ``RadixMedian/key(_:)`` maps every bit pattern as the branching one did.
@Suite struct RadixMedianKeyTests {
    static func branching(_ bits: UInt64) -> UInt64 {
        let bits = bits == 1 << 63 ? 0 : bits
        return bits >> 63 == 1 ? ~bits : bits | 1 << 63
    }

    @Test func sameKeysAsTheBranchingMap() {
        var state: UInt64 = 12345
        var patterns: [UInt64] = [0, 1 << 63, (-1.0).bitPattern, 1.0.bitPattern, Double.infinity.bitPattern,
                                  (-Double.infinity).bitPattern, Double.greatestFiniteMagnitude.bitPattern, UInt64.max]
        for _ in 0..<10_000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            patterns.append(state)
        }
        for p in patterns { #expect(RadixMedian.key(p) == Self.branching(p), "bits \(p)") }
    }
}
