/// Durations written as people write them: `30s`, `5m`, `1h`, `7d`, `1.5s`, `250ms`, or a plain
/// number of seconds (`30`, `0.5`) — the form every flag, `--config` key and field taking a
/// duration accepts.
public enum DurationText {
    /// The units, longest suffix first (so `ms` is not read as `m`).
    static let units: [(suffix: String, seconds: Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86_400)]

    /// The longest duration accepted: ten years (longer ones are typos, and would overflow the
    /// integer milliseconds and nanoseconds they become).
    public static let maximum: Double = 3_650 * 86_400

    /// The duration in seconds.
    /// - Throws: ``DurationError`` saying which forms are accepted, for an empty, negative,
    ///   non-finite or unknown-unit value, or one longer than ``maximum``.
    /// - Complexity: O(n) in the length of `text`.
    public static func seconds(_ text: String) throws(DurationError) -> Double {
        let trimmed = text.trimmingCharacters(in: " \t")
        var number = Substring(trimmed)
        var scale = 1.0
        for unit in units where trimmed.hasSuffix(unit.suffix) {
            number = trimmed.dropLast(unit.suffix.count)
            scale = unit.seconds
            break
        }
        guard !number.isEmpty, number.allSatisfy({ $0.isNumber || $0 == "." }), let value = Double(number), value.isFinite else {
            throw DurationError(text: text)
        }
        guard value * scale <= maximum else { throw DurationError(text: text, tooLong: true) }
        return value * scale
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: String) -> String {
        var s = Substring(self)
        while let c = s.first, set.contains(c) { s = s.dropFirst() }
        while let c = s.last, set.contains(c) { s = s.dropLast() }
        return String(s)
    }
}
