import Foundation
import SluiceCore
import SluiceReconcile

/// How the pages write times, digests and numbers: the same on every page.
public enum UIFormat {
    /// `2026-12-01 13:05:09Z`: a time in UTC, to the second.
    public static func time(_ date: Date) -> String {
        let s = Int64(date.timeIntervalSince1970.rounded(.down))
        let days = s >= 0 ? s / 86_400 : (s - 86_399) / 86_400
        let secs = s - days * 86_400
        // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(y)-\(two(m))-\(two(d)) \(two(secs / 3_600)):\(two(secs % 3_600 / 60)):\(two(secs % 60))Z"
    }

    /// `just now`, `42s ago`, `5m ago`, `3h ago`, `2d ago`; `in 5s` for a time ahead (a clock skew).
    public static func age(_ date: Date, now: Date) -> String {
        let d = now.timeIntervalSince(date)
        if abs(d) < 1 { return "just now" }
        let s = Int(abs(d).rounded(.down))
        let text = s < 60 ? "\(s)s" : s < 3_600 ? "\(s / 60)m" : s < 86_400 ? "\(s / 3_600)h" : "\(s / 86_400)d"
        return d < 0 ? "in \(text)" : "\(text) ago"
    }

    /// The 12-character form of a version id or digest.
    public static func short(_ id: String) -> String { VersionIdentity.short(id) }

    /// A metric: at most four decimals, no trailing zeros (`0.9667`, `1`).
    public static func metric(_ value: Double) -> String {
        guard value.isFinite else { return value.isNaN ? "NaN" : (value > 0 ? "∞" : "−∞") }
        // Rounded to four decimals where that can change the digits; beyond 1e15 there are none to round.
        return JSON.format(abs(value) < 1e15 ? (value * 10_000).rounded() / 10_000 : value)
    }

    /// A signed difference: `+0.0125`, `−0.03`, `0`.
    public static func delta(_ value: Double) -> String {
        value > 0 ? "+" + metric(value) : value < 0 ? "−" + metric(-value) : "0"
    }
}
