import SluiceCore

/// The HTML page of `sluice monitor --html FILE`: self-contained (inline CSS and SVG, no script, nothing
/// fetched). A pure function of the report and what it was computed from.
///
/// It shows the conditions, the per-feature table, the reference-against-live histogram of every feature in
/// breach or warning (or, when none is, of the three with the highest PSI), the prediction histogram, and the
/// watched metric and the label-free estimate over time when the window has a series.
public enum MonitorPage {
    /// What the page is about: the model, its version and where the rows came from.
    public struct Heading: Sendable {
        /// The model's name.
        public var model: String
        /// The full version id (the page shows its first 12 characters).
        public var version: String
        /// "600 rows of data/batch.csv", "the last 24h on http://127.0.0.1:8080", …
        public var source: String

        /// Creates a heading.
        public init(model: String, version: String, source: String) {
            self.model = model
            self.version = version
            self.source = source
        }
    }

    /// The page.
    ///
    /// - Parameters:
    ///   - heading: the model, version and source of the rows.
    ///   - profile: the version's reference profile.
    ///   - stats: the statistics the report judged.
    ///   - report: ``MonitorReport/evaluate(profile:stats:policy:)`` of `stats`.
    ///   - series: the window's steps, oldest first (empty for a batch file).
    ///   - policy: the policy the report was judged with (for the notes on thresholds).
    /// - Returns: the HTML document.
    public static func html(heading: Heading, profile: ReferenceProfile, stats: WindowStats, report: MonitorReport,
                            series: [MonitorWindow.Point], policy: MonitorPolicy = MonitorPolicy()) -> String {
        var body = "<h1>Monitor: \(esc(heading.model))</h1>\n"
        body += "<p class=\"summary\">Version <code>\(esc(String(heading.version.prefix(12))))</code>, \(esc(heading.source)): "
        body += "\(report.rows) rows, \(report.labelled) labelled.</p>\n"
        body += conditions(report)
        body += featureTable(report)
        if let note = shareNote(report, policy: policy) { body += "<p class=\"warn\">\(esc(note))</p>\n" }
        body += "<div class=\"charts\">\n"
        for i in chartedFeatures(report) where i < profile.features.count && i < stats.features.count {
            let d = report.features[i]
            body += histogramChart(title: "\(d.name): PSI \(fmt(d.psi)), \(d.level.rawValue)", reference: profile.features[i].histogram,
                                   live: stats.features[i], level: d.level)
        }
        if stats.rows > 0 {
            body += histogramChart(title: "prediction: PSI \(report.predictionPSI.map(fmt) ?? "–")", reference: profile.prediction,
                                   live: stats.prediction, level: .ok)
        }
        body += seriesChart(series, metric: report.metric, reference: report.referenceValue)
        body += "</div>\n"
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>Sluice monitor: \(esc(heading.model))</title>
            <style>
            body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}
            .breach{color:#cf222e}.warn{color:#9a6700}.ok{color:#1a7f37}.info{color:#57606a}
            table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}
            td:first-child{text-align:left}tr.ok{color:inherit}tr.breach td{background:#ffebe9}tr.warn td{background:#fff8c5}
            .charts{display:flex;flex-wrap:wrap;gap:1.5em;align-items:flex-start}
            svg text{font:11px system-ui,sans-serif}
            </style></head><body>
            \(body)</body></html>

            """
    }

    /// The indices of the features charted: those in breach or warning, else the three with the highest PSI.
    public static func chartedFeatures(_ report: MonitorReport) -> [Int] {
        let flagged = report.features.indices.filter { report.features[$0].level != .ok }
        if !flagged.isEmpty { return flagged }
        let ranked = report.features.indices.sorted { report.features[$0].psi > report.features[$1].psi || (report.features[$0].psi == report.features[$1].psi && $0 < $1) }
        return Array(ranked.prefix(3)).sorted()
    }

    static func conditions(_ report: MonitorReport) -> String {
        guard !report.conditions.isEmpty else { return "<p class=\"ok conditions\">No condition holds.</p>\n" }
        var out = "<ul class=\"conditions\">\n"
        for c in report.conditions {
            out += "<li class=\"\(c.isBreach ? "breach" : "info")\"><b>\(c.kind.rawValue)</b> (\(c.reason.rawValue)): \(esc(c.message))</li>\n"
        }
        return out + "</ul>\n"
    }

    static func featureTable(_ report: MonitorReport) -> String {
        var out = "<table class=\"features\"><tr><th>feature</th><th>PSI</th><th>KS</th><th>missing</th><th>missing in training</th><th>unknown</th><th>level</th></tr>\n"
        for d in report.features {
            out += "<tr class=\"\(d.level.rawValue)\"><td>\(esc(d.name))</td><td>\(fmt(d.psi))</td><td>\(fmt(d.ks))</td><td>\(fmt(d.missingRate))</td>"
            out += "<td>\(fmt(d.referenceMissingRate))</td><td>\(fmt(d.unknownRate))</td><td>\(d.level.rawValue)</td></tr>\n"
        }
        out += "</table>\n<p>Prediction PSI: \(report.predictionPSI.map(fmt) ?? "–")."
        if let live = report.live {
            out += " Live \(esc(live.name)): \(fmt(live.value))"
            if let i = live.interval { out += " (95 % interval \(fmt(i.lowerBound)) to \(fmt(i.upperBound)))" }
            out += " on \(live.labelled) labelled rows"
            out += report.referenceValue.map { "; test \(fmt($0))." } ?? "."
        } else {
            out += " No labelled rows."
        }
        if let e = report.estimatedAccuracy { out += " Estimated accuracy (calibrated confidence): \(fmt(e))." }
        return out + "</p>\n"
    }

    /// Why features in breach did not make the model `Drifted`: too small a share of them; `nil` otherwise.
    public static func shareNote(_ report: MonitorReport, policy: MonitorPolicy) -> String? {
        let breached = report.breachedFeatures
        guard !breached.isEmpty, !report.conditions.contains(where: { $0.reason == .featureDrift }),
              report.rows >= policy.minSamples else { return nil }
        return "In breach: \(breached.joined(separator: ", ")) (\(breached.count) of \(report.features.count) features); "
            + "the model counts as Drifted when at least \(JSON.format(policy.driftShare)) of its features are (monitor.drift.share)."
    }

    /// The labels of a histogram's bins: `≤ e1`, `e1 – e2`, `> ek`, categories, `other`, `missing`.
    public static func binLabels(_ bins: ReferenceBins) -> [String] {
        switch bins {
        case .numeric(let edges):
            guard !edges.isEmpty else { return ["all", "missing"] }
            // Deciles are rarely round (6.5200000000000005): four decimals are enough to tell bins apart.
            var labels = ["≤ \(fmt(edges[0]))"]
            for i in edges.indices.dropFirst() { labels.append("\(fmt(edges[i - 1]))–\(fmt(edges[i]))") }
            labels.append("> \(fmt(edges[edges.count - 1]))")
            return labels + ["missing"]
        case .categorical(let categories):
            return categories + ["other", "missing"]
        }
    }

    /// Reference (grey) against live (coloured) proportions per bin, as grouped bars.
    static func histogramChart(title: String, reference: Histogram, live: Histogram, level: MonitorReport.Level) -> String {
        let ref = (try? reference.proportions()) ?? Array(repeating: 0, count: reference.counts.count)
        let cur = (try? live.proportions()) ?? Array(repeating: 0, count: live.counts.count)
        let labels = binLabels(reference.bins)
        let n = Double(max(labels.count, 1))
        let left = 40.0, right = 12.0, top = 34.0, bottom = 70.0, slot = 30.0
        let plotW = slot * n, plotH = 150.0
        let width = left + plotW + right, height = top + plotH + bottom
        let peak = max(ref.max() ?? 0, cur.max() ?? 0, 0.01)
        let colour = level == .breach ? "#cf222e" : level == .warn ? "#bf8700" : "#0969da"
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"histogram\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\">"
        svg += "<title>\(esc(title)): reference against live proportions per bin</title>"
        svg += "<text x=\"4\" y=\"14\">\(esc(title))</text>"
        svg += "<rect x=\"\(fmt1(width - 130))\" y=\"20\" width=\"8\" height=\"8\" fill=\"#afb8c1\"/><text x=\"\(fmt1(width - 118))\" y=\"28\">reference</text>"
        svg += "<rect x=\"\(fmt1(width - 62))\" y=\"20\" width=\"8\" height=\"8\" fill=\"\(colour)\"/><text x=\"\(fmt1(width - 50))\" y=\"28\">live</text>"
        svg += "<line x1=\"\(left)\" y1=\"\(top + plotH)\" x2=\"\(left + plotW)\" y2=\"\(top + plotH)\" stroke=\"#999\"/>"
        for v in [0, peak / 2, peak] {
            let y = top + plotH * (1 - v / peak)
            svg += "<text x=\"\(left - 4)\" y=\"\(fmt1(y + 4))\" text-anchor=\"end\">\(Int((v * 100).rounded()))%</text>"
        }
        let bar = (slot - 6) / 2
        for (i, label) in labels.enumerated() {
            let x0 = left + slot * Double(i) + 3
            for (k, p) in [ref, cur].enumerated() where i < p.count {
                let h = plotH * p[i] / peak
                svg += "<rect x=\"\(fmt1(x0 + bar * Double(k)))\" y=\"\(fmt1(top + plotH - h))\" width=\"\(fmt1(bar))\" height=\"\(fmt1(h))\" fill=\"\(k == 0 ? "#afb8c1" : colour)\">"
                svg += "<title>\(esc(label)): \(k == 0 ? "reference" : "live") \(fmt(p[i] * 100))%</title></rect>"
            }
            let (cx, cy) = (fmt1(x0 + bar), fmt1(top + plotH + 10))
            svg += "<text x=\"\(cx)\" y=\"\(cy)\" text-anchor=\"end\" transform=\"rotate(-45 \(cx) \(cy))\">\(esc(String(label.prefix(14))))</text>"
        }
        return svg + "</svg>\n"
    }

    /// The watched metric (live, on labelled rows) and the label-free estimate per step, with the test value.
    static func seriesChart(_ series: [MonitorWindow.Point], metric: String, reference: Double?) -> String {
        let live = series.enumerated().compactMap { i, p in p.live.map { (i, $0) } }
        let estimate = series.enumerated().compactMap { i, p in p.estimate.map { (i, $0) } }
        guard !live.isEmpty || !estimate.isEmpty else { return "" }
        let width = 420.0, height = 210.0, left = 48.0, right = 12.0, top = 34.0, bottom = 30.0
        let plotW = width - left - right, plotH = height - top - bottom
        let values = live.map(\.1) + estimate.map(\.1) + (reference.map { [$0] } ?? [])
        var lo = values.min()!, hi = values.max()!
        if hi - lo < 1e-9 { lo -= 0.05; hi += 0.05 }
        func x(_ i: Int) -> Double { series.count <= 1 ? left + plotW / 2 : left + plotW * Double(i) / Double(series.count - 1) }
        func y(_ v: Double) -> Double { top + plotH * (1 - (v - lo) / (hi - lo)) }
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"series\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\">"
        svg += "<title>\(esc(metric)) over the window</title><text x=\"4\" y=\"14\">\(esc(metric)) over time</text>"
        svg += "<line x1=\"\(left)\" y1=\"\(top + plotH)\" x2=\"\(left + plotW)\" y2=\"\(top + plotH)\" stroke=\"#999\"/>"
        svg += "<line x1=\"\(left)\" y1=\"\(top)\" x2=\"\(left)\" y2=\"\(top + plotH)\" stroke=\"#999\"/>"
        for v in [lo, (lo + hi) / 2, hi] {
            svg += "<text x=\"\(left - 4)\" y=\"\(fmt1(y(v) + 4))\" text-anchor=\"end\">\(fmt(v))</text>"
        }
        if let reference {
            svg += "<line x1=\"\(left)\" y1=\"\(fmt1(y(reference)))\" x2=\"\(left + plotW)\" y2=\"\(fmt1(y(reference)))\" stroke=\"#8250df\" stroke-dasharray=\"4 3\"/>"
            svg += "<text x=\"\(left + plotW)\" y=\"\(fmt1(y(reference) - 3))\" text-anchor=\"end\" fill=\"#8250df\">test \(fmt(reference))</text>"
        }
        for (points, colour, name) in [(live, "#0969da", "live"), (estimate, "#bf8700", "estimate")] where !points.isEmpty {
            if points.count > 1 {
                svg += "<polyline points=\"\(points.map { "\(fmt1(x($0.0))),\(fmt1(y($0.1)))" }.joined(separator: " "))\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\"/>"
            }
            for (i, v) in points {
                svg += "<circle cx=\"\(fmt1(x(i)))\" cy=\"\(fmt1(y(v)))\" r=\"3\" fill=\"\(colour)\"><title>\(name) \(fmt(v))</title></circle>"
            }
        }
        if let first = series.first, let last = series.last {
            svg += "<text x=\"\(left)\" y=\"\(fmt1(top + plotH + 16))\">\(clock(first.from)) UTC</text>"
            svg += "<text x=\"\(left + plotW)\" y=\"\(fmt1(top + plotH + 16))\" text-anchor=\"end\">\(clock(last.from))</text>"
        }
        svg += "<rect x=\"\(left)\" y=\"20\" width=\"8\" height=\"8\" fill=\"#0969da\"/><text x=\"\(left + 12)\" y=\"28\">live</text>"
        svg += "<rect x=\"\(left + 50)\" y=\"20\" width=\"8\" height=\"8\" fill=\"#bf8700\"/><text x=\"\(left + 62)\" y=\"28\">estimate</text>"
        return svg + "</svg>\n"
    }

    /// `HH:MM` (UTC) of a Unix time, for the ends of the time axis.
    static func clock(_ t: Int64) -> String {
        let day = ((t % 86_400) + 86_400) % 86_400
        let h = day / 3600, m = (day % 3600) / 60
        return (h < 10 ? "0" : "") + "\(h):" + (m < 10 ? "0" : "") + "\(m)"
    }

    static func esc(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(c)
            }
        }
        return out
    }

    static func fmt(_ d: Double) -> String { JSON.format((d * 10_000).rounded() / 10_000) }
    static func fmt1(_ d: Double) -> String { JSON.format((d * 10).rounded() / 10) }
}
