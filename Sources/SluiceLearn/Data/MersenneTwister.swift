/// MT19937, the generator behind numpy's legacy `numpy.random.RandomState`, with the exact
/// seeding, bounded integers and shuffle numpy uses, so that Sluice draws the same numbers as a
/// notebook calling `RandomState(seed)` (scikit-learn's `random_state=seed`).
///
/// Only what scikit-learn's splitters use is here: `RandomState(seed)` (``init(seed:)``, numpy's
/// `mt19937_seed`, i.e. the reference `init_genrand`), `permutation(n)` (``permutation(_:)``),
/// `shuffle` of a 1-D array (``shuffle(_:)``) and the bounded integers they draw
/// (``interval(_:)``, numpy's legacy `random_interval`).
public struct MersenneTwister: Sendable {
    private static let n = 624
    private static let m = 397
    private var key: [UInt32]
    private var position: Int

    /// `numpy.random.RandomState(seed)`: the reference `init_genrand(seed)`.
    public init(seed: UInt32) {
        key = [UInt32](repeating: 0, count: Self.n)
        var s = seed
        for i in 0..<Self.n {
            key[i] = s
            s = 1_812_433_253 &* (s ^ (s >> 30)) &+ UInt32(i + 1)
        }
        position = Self.n
    }

    /// The next 32 random bits (the reference `genrand_int32`).
    public mutating func next32() -> UInt32 {
        if position == Self.n { regenerate() }
        var y = key[position]
        position += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C_5680
        y ^= (y << 15) & 0xEFC6_0000
        y ^= y >> 18
        return y
    }

    /// The next 64 random bits: two 32-bit draws, the first one high (numpy's `mt19937_next64`).
    public mutating func next64() -> UInt64 {
        let high = UInt64(next32())
        return high << 32 | UInt64(next32())
    }

    private mutating func regenerate() {
        let n = Self.n, m = Self.m
        func twist(_ upper: UInt32, _ lower: UInt32, _ far: UInt32) -> UInt32 {
            let y = (upper & 0x8000_0000) | (lower & 0x7FFF_FFFF)
            return far ^ (y >> 1) ^ ((y & 1) == 0 ? 0 : 0x9908_B0DF)
        }
        key.withUnsafeMutableBufferPointer { k in
            for i in 0..<(n - m) { k[i] = twist(k[i], k[i + 1], k[i + m]) }
            for i in (n - m)..<(n - 1) { k[i] = twist(k[i], k[i + 1], k[i + m - n]) }
            k[n - 1] = twist(k[n - 1], k[0], k[m - 1])
        }
        position = 0
    }

    /// A uniformly distributed integer in `0...max`, drawn as numpy's legacy `random_interval`
    /// draws it: mask the draw to the smallest `2^k − 1 ≥ max` and reject values above `max`
    /// (32-bit draws while `max` fits in 32 bits).
    public mutating func interval(_ max: UInt64) -> UInt64 {
        if max == 0 { return 0 }
        var mask = max
        mask |= mask >> 1
        mask |= mask >> 2
        mask |= mask >> 4
        mask |= mask >> 8
        mask |= mask >> 16
        mask |= mask >> 32
        if max <= 0xFFFF_FFFF {
            while true {
                let value = UInt64(next32()) & mask
                if value <= max { return value }
            }
        }
        while true {
            let value = next64() & mask
            if value <= max { return value }
        }
    }

    /// Shuffles `array` in place as `RandomState.shuffle` shuffles a 1-D array: Fisher–Yates from
    /// the last element down, swapping element `i` with element `interval(i)`.
    /// - Complexity: O(n) expected draws.
    public mutating func shuffle<T>(_ array: inout [T]) {
        guard array.count > 1 else { return }
        for i in stride(from: array.count - 1, to: 0, by: -1) {
            array.swapAt(i, Int(interval(UInt64(i))))
        }
    }

    /// `RandomState.permutation(count)`: `0..<count` shuffled.
    public mutating func permutation(_ count: Int) -> [Int] {
        var rows = Array(0..<count)
        shuffle(&rows)
        return rows
    }
}
