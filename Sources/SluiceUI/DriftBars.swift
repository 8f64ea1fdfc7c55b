import Foundation

/// Per-feature drift as horizontal bars (a model's monitoring panel): one bar per feature, its
/// value and level written beside it, with the warn and breach thresholds as dashed lines
/// (`<svg class="drift-bars">`). The same numbers are in the table under it. Pure.
struct DriftBars {
    /// One feature's bar.
    struct Bar {
        var feature: String
        var value: Double
        /// `ok`, `warn` or `breach`, as the monitor report judged it.
        var level: String
    }

    /// The statistic's name: `PSI` or `KS`.
    var statistic: String
    var bars: [Bar]
    var warn: Double
    var breach: Double

    static let width = 560.0, row = 22.0, top = 26.0, right = 110.0

    /// The left margin: room for the longest feature name (about 7 px a character), at most 200.
    var left: Double { min(200, max(90, 7 * Double(bars.map(\.feature.count).max() ?? 8) + 12)) }

    /// The largest value on the axis: the largest bar, or a quarter past the breach line.
    var scale: Double { max(bars.map(\.value).filter(\.isFinite).max() ?? 0, breach * 1.25, 1e-9) }

    /// The x coordinate of a value.
    func x(_ v: Double) -> Double { left + (Self.width - left - Self.right) * min(max(v, 0), scale) / scale }

    /// The SVG element.
    var svg: String {
        let height = Self.top + Self.row * Double(bars.count) + 8
        let over = bars.filter { $0.value >= breach }.count
        let label = "\(statistic) of \(bars.count) feature\(bars.count == 1 ? "" : "s"): \(over) at or above the breach line \(UIFormat.metric(breach)), warn at \(UIFormat.metric(warn))"
        var s = "<svg class=\"drift-bars\" role=\"img\" aria-label=\"\(HTML.escape(label))\" viewBox=\"0 0 \(Int(Self.width)) \(Int(height))\""
        s += " width=\"\(Int(Self.width))\" height=\"\(Int(height))\"><title>\(HTML.escape(label))</title>"
        let bottom = Self.top + Self.row * Double(bars.count)
        for (i, b) in bars.enumerated() {
            let y = Self.top + Self.row * Double(i)
            s += "<text x=\"\(n(left - 6))\" y=\"\(n(y + 14))\" text-anchor=\"end\">\(HTML.escape(b.feature))</text>"
            s += "<rect class=\"bar level-\(HTML.escape(b.level))\" data-feature=\"\(HTML.escape(b.feature))\" x=\"\(n(left))\" y=\"\(n(y + 3))\""
            s += " width=\"\(n(max(x(b.value) - left, 1)))\" height=\"\(n(Self.row - 6))\"><title>\(HTML.escape(b.feature)): \(statistic) \(UIFormat.metric(b.value)) (\(HTML.escape(b.level)))</title></rect>"
        }
        // The lines over the bars, the values over the lines. The warn label ends at its line and the
        // breach label starts at its own, so close lines do not collide.
        for (cls, word, v, anchor, dx) in [("warn-line", "warn", warn, "end", -3.0), ("breach-line", "breach", breach, "start", 3.0)] {
            s += "<line class=\"\(cls)\" x1=\"\(n(x(v)))\" y1=\"\(n(Self.top - 4))\" x2=\"\(n(x(v)))\" y2=\"\(n(bottom))\"/>"
            s += "<text x=\"\(n(x(v) + dx))\" y=\"\(n(Self.top - 8))\" text-anchor=\"\(anchor)\">\(word) \(UIFormat.metric(v))</text>"
        }
        for (i, b) in bars.enumerated() {
            let mark = b.level == "breach" ? "✕ breach" : b.level == "warn" ? "▲ warn" : "ok"
            s += "<text class=\"value\" x=\"\(n(x(b.value) + 4))\" y=\"\(n(Self.top + Self.row * Double(i) + 14))\">\(UIFormat.metric(b.value)) \(mark)</text>"
        }
        return s + "</svg>"
    }

    private func n(_ d: Double) -> String { MetricChart.n(d) }
}
