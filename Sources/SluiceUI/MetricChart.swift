import Foundation
import SluiceLearn
import SluiceManifest

/// The chart of one gated metric over a model's versions (a model's page): a line through the
/// versions in creation order, published ones filled, the one in service larger and labelled; the
/// failing side of each `min`/`max` rule shaded (`<rect class="band band-fail">`), and the
/// `maxRegression` band below the champion (`<rect class="band band-regression">`: where a
/// candidate may fall and still pass); y ticks, and x labels thinned to about a dozen.
///
/// Everything a person reads in it is also in the versions table (its text alternative). Pure:
/// the same input gives the same bytes.
struct MetricChart {
    /// One version on the chart.
    struct Point {
        /// The full version id (the circle's `data-version`).
        var version: String
        /// The metric's value, `nil` when the version does not report it (no circle).
        var value: Double?
        var published: Bool
        var inService: Bool
    }

    /// A shaded region, in the metric's units.
    struct Band: Equatable {
        enum Kind: String { case fail, regression }
        var kind: Kind
        var low: Double
        var high: Double
        /// What it means, in words (the rectangle's `<title>`).
        var title: String
    }

    let metric: String
    let points: [Point]
    /// The gate's rules on this metric.
    let rules: [GateRule]
    /// The champion's value: the version in service's.
    let champion: Double?
    /// The value range shown: the values, the limits and the regression band, with a margin
    /// (computed once: every coordinate depends on it).
    let range: (low: Double, high: Double)

    init(metric: String, points: [Point], rules: [GateRule]) {
        self.metric = metric
        self.points = points
        self.rules = rules
        let champion = points.first(where: \.inService)?.value
        self.champion = champion
        self.range = Self.range(points: points, rules: rules, champion: champion, higherIsBetter: Metric.named(metric)?.higherIsBetter ?? true)
    }

    static let width = 640.0, height = 240.0, left = 56.0, right = 16.0, top = 20.0, bottom = 44.0
    static var plotBottom: Double { height - bottom }
    static var plotRight: Double { width - right }

    /// Whether larger values are better (accuracy) or smaller (rmse).
    var higherIsBetter: Bool { Metric.named(metric)?.higherIsBetter ?? true }

    private static func range(points: [Point], rules: [GateRule], champion: Double?, higherIsBetter: Bool) -> (low: Double, high: Double) {
        var values = points.compactMap(\.value).filter(\.isFinite)
        for rule in rules {
            values += [rule.min, rule.max].compactMap { $0 }
            if let allowed = rule.maxRegression, let champion { values.append(higherIsBetter ? champion - allowed : champion + allowed) }
        }
        guard var lo = values.min(), var hi = values.max() else { return (0, 1) }
        if hi - lo < 1e-9 { lo -= 0.05; hi += 0.05 }
        let pad = (hi - lo) * 0.08
        return (lo - pad, hi + pad)
    }

    /// The shaded regions, clipped to ``range``: a `min` rule fails below its limit, a `max` rule
    /// above it; `maxRegression` spans from the champion to as far as a candidate may fall.
    var bands: [Band] {
        let (lo, hi) = range
        var out: [Band] = []
        for rule in rules {
            if let limit = rule.min, limit > lo {
                out.append(Band(kind: .fail, low: lo, high: min(limit, hi), title: "fails min \(UIFormat.metric(limit)): below \(UIFormat.metric(limit))"))
            }
            if let limit = rule.max, limit < hi {
                out.append(Band(kind: .fail, low: max(limit, lo), high: hi, title: "fails max \(UIFormat.metric(limit)): above \(UIFormat.metric(limit))"))
            }
            if let allowed = rule.maxRegression, let champion {
                let (a, b) = higherIsBetter ? (champion - allowed, champion) : (champion, champion + allowed)
                out.append(Band(kind: .regression, low: max(a, lo), high: min(b, hi),
                                title: "maxRegression \(UIFormat.metric(allowed)) from the champion's \(UIFormat.metric(champion)): \(UIFormat.metric(a)) to \(UIFormat.metric(b))"))
            }
        }
        return out
    }

    /// The y coordinate of a value.
    func y(_ v: Double) -> Double {
        let (lo, hi) = range
        return Self.top + (Self.plotBottom - Self.top) * (1 - (v - lo) / (hi - lo))
    }

    /// The x coordinate of the i-th version (the first and last kept off the axes by `inset`).
    func x(_ i: Int) -> Double {
        let (from, to) = (Self.left + Self.inset, Self.plotRight - Self.inset)
        return points.count <= 1 ? (from + to) / 2 : from + (to - from) * Double(i) / Double(points.count - 1)
    }

    static let inset = 24.0

    /// The SVG element.
    var svg: String {
        let described = points.compactMap(\.value).count
        let label = "\(metric) of \(described) version\(described == 1 ? "" : "s") in creation order"
            + (champion.map { ", \(UIFormat.metric($0)) in service" } ?? "")
            + rules.map(Self.words).filter { !$0.isEmpty }.map { "; gate " + $0 }.joined()
        var s = "<svg class=\"metric-chart\" data-metric=\"\(HTML.escape(metric))\" role=\"img\" aria-label=\"\(HTML.escape(label))\""
        s += " viewBox=\"0 0 \(Int(Self.width)) \(Int(Self.height))\" width=\"\(Int(Self.width))\" height=\"\(Int(Self.height))\">"
        s += "<title>\(HTML.escape(label))</title>"
        for band in bands {
            let (y0, y1) = (y(band.high), y(band.low))
            s += "<rect class=\"band band-\(band.kind.rawValue)\" x=\"\(n(Self.left))\" y=\"\(n(y0))\" width=\"\(n(Self.plotRight - Self.left))\" height=\"\(n(y1 - y0))\">"
            s += "<title>\(HTML.escape(band.title))</title></rect>"
        }
        s += axes
        for rule in rules {
            for (word, limit) in [("min", rule.min), ("max", rule.max)] {
                guard let limit else { continue }
                s += "<line class=\"limit\" x1=\"\(n(Self.left))\" y1=\"\(n(y(limit)))\" x2=\"\(n(Self.plotRight))\" y2=\"\(n(y(limit)))\"/>"
                s += "<text x=\"\(n(Self.plotRight - 2))\" y=\"\(n(y(limit) - 3))\" text-anchor=\"end\">\(word) \(UIFormat.metric(limit))</text>"
            }
        }
        let drawn = points.indices.filter { points[$0].value?.isFinite == true }
        if drawn.count > 1 {
            let path = drawn.map { "\(n(x($0))),\(n(y(points[$0].value!)))" }.joined(separator: " ")
            s += "<polyline class=\"line\" points=\"\(path)\"/>"
        }
        for i in drawn {
            let p = points[i], v = p.value!
            let role = p.inService ? "in service" : p.published ? "published" : "never published"
            let cls = p.inService ? "point in-service" : p.published ? "point published" : "point"
            s += "<circle class=\"\(cls)\" data-version=\"\(HTML.escape(p.version))\" cx=\"\(n(x(i)))\" cy=\"\(n(y(v)))\" r=\"\(p.inService ? 6 : 4)\">"
            s += "<title>\(HTML.escape(UIFormat.short(p.version))): \(UIFormat.metric(v)) (\(role))</title></circle>"
            if p.inService {
                // Anchored to stay inside the chart at either end.
                let anchor = x(i) > Self.plotRight - 50 ? "end" : x(i) < Self.left + 50 ? "start" : "middle"
                s += "<text x=\"\(n(x(i)))\" y=\"\(n(y(v) - 10))\" text-anchor=\"\(anchor)\">★ in service</text>"
            }
        }
        for i in Self.labelled(points.count) {
            let (cx, cy) = (n(x(i)), n(Self.plotBottom + 14))
            s += "<text x=\"\(cx)\" y=\"\(cy)\" text-anchor=\"end\" transform=\"rotate(-30 \(cx) \(cy))\">\(HTML.escape(String(points[i].version.prefix(7))))</text>"
        }
        return s + "</svg>"
    }

    /// The axes and the y ticks.
    private var axes: String {
        var s = "<line class=\"axis\" x1=\"\(n(Self.left))\" y1=\"\(n(Self.plotBottom))\" x2=\"\(n(Self.plotRight))\" y2=\"\(n(Self.plotBottom))\"/>"
        s += "<line class=\"axis\" x1=\"\(n(Self.left))\" y1=\"\(n(Self.top))\" x2=\"\(n(Self.left))\" y2=\"\(n(Self.plotBottom))\"/>"
        for t in Self.ticks(range) {
            s += "<line class=\"tick\" x1=\"\(n(Self.left - 4))\" y1=\"\(n(y(t)))\" x2=\"\(n(Self.left))\" y2=\"\(n(y(t)))\"/>"
            s += "<text x=\"\(n(Self.left - 6))\" y=\"\(n(y(t) + 4))\" text-anchor=\"end\">\(UIFormat.metric(t))</text>"
        }
        return s
    }

    /// The versions whose x label is written: about a dozen evenly spaced, always the first, and the
    /// last unless it would crowd the one before it.
    static func labelled(_ count: Int) -> [Int] {
        let every = max(1, (count + 11) / 12)
        var out = Array(stride(from: 0, to: count, by: every))
        if let last = out.last, last != count - 1, count - 1 - last >= max(1, every / 2) { out.append(count - 1) }
        return out
    }

    /// Round tick values (steps of 1, 2 or 5 times a power of ten) inside a range, about five.
    static func ticks(_ range: (low: Double, high: Double)) -> [Double] {
        let span = range.high - range.low
        guard span > 0, span.isFinite else { return [] }
        let raw = span / 5
        let power = pow(10, (log10(raw)).rounded(.down))
        let step = [1.0, 2, 5, 10].map { $0 * power }.first { $0 >= raw } ?? raw
        var out: [Double] = []
        var t = (range.low / step).rounded(.up) * step
        while t <= range.high + step * 1e-9, out.count < 12 {
            out.append((t / step).rounded() * step)
            t += step
        }
        return out
    }

    /// A rule in words: `min 0.85, maxRegression 0.02`.
    static func words(_ rule: GateRule) -> String {
        [("min", rule.min), ("max", rule.max), ("maxRegression", rule.maxRegression)].compactMap { word, v in
            v.map { "\(rule.metric) \(word) \(UIFormat.metric($0))" }
        }.joined(separator: ", ")
    }

    /// A coordinate with one decimal.
    private func n(_ d: Double) -> String { Self.n(d) }
    static func n(_ d: Double) -> String { String(format: "%.1f", d) }
}
