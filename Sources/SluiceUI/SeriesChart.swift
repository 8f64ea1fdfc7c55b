import Foundation
import SluiceCore

/// Live vs test metric over the monitor window (a model's monitoring panel): per step of the
/// server's series, the live metric on the step's labelled rows (solid line, filled circles) and
/// the label-free estimate (dashed line, hollow squares), with the test value as a horizontal line
/// (`<svg class="series-chart">`). The numbers are in the table beside it. Pure.
struct SeriesChart {
    /// One step of the window, as the stored report keeps it.
    struct Step {
        /// The start of the step, Unix seconds.
        var from: Int64
        var rows: Int
        var labelled: Int
        var live: Double?
        var estimate: Double?
    }

    let metric: String
    let steps: [Step]
    /// The metric on the version's test data.
    let test: Double?
    /// The value range: every live value, estimate and the test value, with a margin (computed once).
    let range: (low: Double, high: Double)

    init(metric: String, steps: [Step], test: Double?) {
        self.metric = metric
        self.steps = steps
        self.test = test
        let values = (steps.flatMap { [$0.live, $0.estimate] } + [test]).compactMap { $0 }.filter(\.isFinite)
        if var lo = values.min(), var hi = values.max() {
            if hi - lo < 1e-9 { lo -= 0.05; hi += 0.05 }
            let pad = (hi - lo) * 0.1
            range = (lo - pad, hi + pad)
        } else {
            range = (0, 1)
        }
    }

    static let width = 640.0, height = 200.0, left = 56.0, right = 16.0, top = 16.0, bottom = 40.0

    /// The steps of a stored report's `series` (steps that do not read are left out).
    static func steps(_ series: JSON?) -> [Step] {
        (series?.arrayValue ?? []).compactMap { p in
            guard let from = p["from"]?.intValue, let rows = p["rows"]?.intValue, let labelled = p["labelled"]?.intValue else { return nil }
            return Step(from: Int64(from), rows: rows, labelled: labelled, live: p["live"]?.doubleValue, estimate: p["estimate"]?.doubleValue)
        }
    }

    func x(_ i: Int) -> Double {
        let w = Self.width - Self.left - Self.right
        return steps.count <= 1 ? Self.left + w / 2 : Self.left + w * Double(i) / Double(steps.count - 1)
    }

    func y(_ v: Double) -> Double {
        let (lo, hi) = range
        return Self.top + (Self.height - Self.top - Self.bottom) * (1 - (v - lo) / (hi - lo))
    }

    /// The SVG element.
    var svg: String {
        let live = steps.compactMap(\.live).count, estimated = steps.compactMap(\.estimate).count
        let label = "live \(metric) over \(steps.count) steps of the window (\(live) with labelled rows), the estimate on \(estimated)"
            + (test.map { ", test value \(UIFormat.metric($0))" } ?? "")
        let plotBottom = Self.height - Self.bottom, plotRight = Self.width - Self.right
        var s = "<svg class=\"series-chart\" role=\"img\" aria-label=\"\(HTML.escape(label))\" viewBox=\"0 0 \(Int(Self.width)) \(Int(Self.height))\""
        s += " width=\"\(Int(Self.width))\" height=\"\(Int(Self.height))\"><title>\(HTML.escape(label))</title>"
        s += "<line class=\"axis\" x1=\"\(n(Self.left))\" y1=\"\(n(plotBottom))\" x2=\"\(n(plotRight))\" y2=\"\(n(plotBottom))\"/>"
        s += "<line class=\"axis\" x1=\"\(n(Self.left))\" y1=\"\(n(Self.top))\" x2=\"\(n(Self.left))\" y2=\"\(n(plotBottom))\"/>"
        for t in MetricChart.ticks(range) {
            s += "<text x=\"\(n(Self.left - 6))\" y=\"\(n(y(t) + 4))\" text-anchor=\"end\">\(UIFormat.metric(t))</text>"
        }
        if let test {
            s += "<line class=\"test-line\" x1=\"\(n(Self.left))\" y1=\"\(n(y(test)))\" x2=\"\(n(plotRight))\" y2=\"\(n(y(test)))\"/>"
            s += "<text x=\"\(n(plotRight - 2))\" y=\"\(n(y(test) - 3))\" text-anchor=\"end\">test \(UIFormat.metric(test))</text>"
        }
        for (cls, value) in [("live", \Step.live), ("estimate", \Step.estimate)] {
            let drawn = steps.indices.filter { steps[$0][keyPath: value]?.isFinite == true }
            if drawn.count > 1 {
                s += "<polyline class=\"\(cls)\" points=\"" + drawn.map { "\(n(x($0))),\(n(y(steps[$0][keyPath: value]!)))" }.joined(separator: " ") + "\"/>"
            }
            for i in drawn {
                let v = steps[i][keyPath: value]!
                let title = "\(UIFormat.time(Date(timeIntervalSince1970: Double(steps[i].from)))): \(cls) \(UIFormat.metric(v))"
                    + (cls == "live" ? " on \(steps[i].labelled) labelled rows" : "")
                s += cls == "live"
                    ? "<circle class=\"live\" cx=\"\(n(x(i)))\" cy=\"\(n(y(v)))\" r=\"3.5\"><title>\(HTML.escape(title))</title></circle>"
                    : "<rect class=\"estimate\" x=\"\(n(x(i) - 3))\" y=\"\(n(y(v) - 3))\" width=\"6\" height=\"6\"><title>\(HTML.escape(title))</title></rect>"
            }
        }
        for i in MetricChart.labelled(steps.count) {
            let time = UIFormat.time(Date(timeIntervalSince1970: Double(steps[i].from)))
            s += "<text x=\"\(n(x(i)))\" y=\"\(n(plotBottom + 14))\" text-anchor=\"middle\">\(HTML.escape(String(time.dropFirst(11).prefix(5))))</text>"
        }
        s += "<text x=\"\(n(Self.left))\" y=\"\(n(Self.height - 6))\">● live  □ estimate  — test</text>"
        return s + "</svg>"
    }

    private func n(_ d: Double) -> String { MetricChart.n(d) }
}
