/// Which served rows go into the monitor's row log: a deterministic share of them, capped per model and
/// second. Pure (time is passed in).
///
/// A row is sampled when the FNV-1a hash of its request id and row index, read as a fraction of 2⁶⁴, is
/// below `rate`: the same (id, row) is always sampled or always not, on every replica and after a
/// restart, so a client can tell which of its rows a label will join (rate 1 samples every row). Sampled
/// rows then take a token from the model's bucket (`perSecond` tokens, refilled at `perSecond` a second);
/// without one, the row is not logged.
struct RowSampler {
    /// The share of rows sampled, 0…1.
    let rate: Double
    /// The most rows logged per model and second (the token bucket's size and refill rate).
    let perSecond: Double
    private var buckets: [String: (tokens: Double, at: Double)] = [:]

    init(rate: Double, perSecond: Double) {
        self.rate = rate
        self.perSecond = perSecond
    }

    /// Whether (id, row) falls in the sampled share (before the per-second cap).
    static func sampled(id: String, row: Int, rate: Double) -> Bool {
        guard rate < 1 else { return true }
        guard rate > 0 else { return false }
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in id.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
        h = (h ^ 0xff) &* 0x0000_0100_0000_01b3  // a separator, so ("a1", 0) and ("a", 10) differ
        var r = UInt64(truncatingIfNeeded: row)
        for _ in 0..<8 {
            h = (h ^ (r & 0xff)) &* 0x0000_0100_0000_01b3
            r >>= 8
        }
        return Double(h) / 18_446_744_073_709_551_616.0 < rate
    }

    /// Whether to log row `row` of request `id` to `model` at time `now` (Unix seconds): sampled, and a
    /// token was left for the model.
    mutating func admit(model: String, id: String, row: Int, now: Double) -> Bool {
        guard Self.sampled(id: id, row: row, rate: rate) else { return false }
        var bucket = buckets[model] ?? (perSecond, now)
        bucket.tokens = min(perSecond, bucket.tokens + max(0, now - bucket.at) * perSecond)
        bucket.at = max(bucket.at, now)
        guard bucket.tokens >= 1 else {
            buckets[model] = bucket
            return false
        }
        bucket.tokens -= 1
        buckets[model] = bucket
        return true
    }
}
