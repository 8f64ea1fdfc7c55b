import Foundation
import SluiceCore
import SluiceLearn
import SluiceReconcile

extension GateReports {
    /// A self-contained HTML page (inline CSS and SVG, nothing fetched): per model, the verdict
    /// table, a chart of each gated metric over the published versions and the candidate, and the
    /// confusion matrix as a heat map.
    public static func html(_ run: GateRun) -> String {
        var body = ""
        let passed = run.results.filter(\.passed).count
        body += "<h1>Sluice gate report</h1>\n<p class=\"summary\">\(passed) of \(run.results.count) model(s) passed their gate"
        body += run.skipped.isEmpty ? ".</p>\n" : "; \(run.skipped.count) skipped.</p>\n"
        for r in run.results {
            body += "<section>\n<h2 class=\"\(r.passed ? "pass" : "fail")\">\(r.passed ? "✔" : "✘") \(esc(r.model))</h2>\n"
            if let e = r.error {
                body += "<p class=\"fail\">Error: \(esc(e))</p>\n</section>\n"
                continue
            }
            let candidate = r.version.map { VersionIdentity.short($0) } ?? "?"
            body += "<p>Candidate <code>\(candidate)</code>"
            body += r.trained ? " trained in \(String(format: "%.2f", r.trainSeconds ?? 0)) s" : " reused"
            body += ", data <code>\(esc(String(r.dataDigest?.prefix(12) ?? "?")))</code>; "
            if let c = r.champion, !r.candidateInService {
                body += "champion <code>\(VersionIdentity.short(c.version))</code> from \(esc(c.origin))"
            } else {
                body += esc(r.championText)
            }
            body += r.testRows.map { ". Test set: \($0) rows" } ?? ""
            body += ".</p>\n"
            for w in r.resolutionWarnings { body += "<p class=\"warn\">⚠ \(esc(w))</p>\n" }
            body += "<table><tr><th>metric</th><th>rule</th><th>threshold</th><th>candidate</th><th>champion</th><th>delta</th><th>verdict</th></tr>\n"
            for o in r.report?.outcomes ?? [] {
                let champ = o.champion ?? r.champion?.metrics?[o.metric]
                let delta = champ.map { o.candidate - $0 }
                body += "<tr class=\"\(o.status.rawValue)\"><td>\(esc(o.metric))</td><td>\(o.threshold)</td><td>\(fmt(o.limit))</td><td>\(fmt(o.candidate))</td>"
                body += "<td>\(fmt(champ))</td><td>\(delta.map { ($0 >= 0 ? "+" : "") + fmt($0) } ?? "–")</td><td>\(o.status.words)</td></tr>\n"
            }
            body += "</table>\n<div class=\"charts\">\n"
            let metrics = Array(Set((r.report?.outcomes ?? []).map(\.metric))).sorted()
            for metric in (metrics.isEmpty ? ["accuracy"] : metrics) {
                body += historyChart(r, metric: metric)
            }
            body += confusionChart(r)
            body += "</div>\n</section>\n"
        }
        if !run.skipped.isEmpty {
            body += "<section><h2>Skipped</h2><ul>\n" + run.skipped.map { "<li>\(esc($0.model)): \(esc($0.reason))</li>" }.joined(separator: "\n") + "\n</ul></section>\n"
        }
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>Sluice gate report</title>
            <style>
            body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}
            h2.pass{color:#1a7f37}h2.fail,p.fail{color:#cf222e}p.warn{color:#9a6700}
            table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}
            tr.failed td{background:#ffebe9}tr.skipped td{color:#888}
            .charts{display:flex;flex-wrap:wrap;gap:1.5em;align-items:flex-start}
            svg text{font:11px system-ui,sans-serif}
            </style></head><body>
            \(body)</body></html>

            """
    }

    static func esc(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// A line chart of one metric over the published versions, then the champion as measured on
    /// the candidate's test data (also when it came from `--baseline`, with no history), then the
    /// candidate (highlighted); a `maxRegression` rule is drawn as the band below the champion
    /// that the candidate may fall into.
    static func historyChart(_ r: GateResult, metric: String) -> String {
        let regression = r.report?.outcomes.first { $0.metric == metric && $0.threshold == .maxRegression }
        let champion: (version: String, value: Double)? = r.candidateInService ? nil : r.champion.flatMap { c in
            (regression?.champion ?? c.metrics?[metric]).map { (c.version, $0) }
        }
        var points: [(label: String, value: Double, role: PointRole)] = r.history.compactMap { h in
            // The champion is drawn as measured on the candidate's data, which the gate compares.
            guard h.version != champion?.version else { return nil }
            return h.metrics[metric].map { (VersionIdentity.short(h.version), $0, .published) }
        }
        if let champion { points.append((VersionIdentity.short(champion.version), champion.value, .champion)) }
        if let v = r.metrics[metric] { points.append((r.version.map { VersionIdentity.short($0) } ?? "candidate", v, .candidate)) }
        let higher = Metric.named(metric)?.higherIsBetter ?? true
        let band: (Double, Double)? = champion.flatMap { c in
            regression.map { o in higher ? (c.value - o.limit, c.value) : (c.value, c.value + o.limit) }
        }
        let width = 360.0, height = 200.0, left = 48.0, right = 12.0, top = 24.0, bottom = 36.0
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\">"
        svg += "<title>\(esc(metric)) of published versions and the candidate</title>"
        svg += "<text x=\"\(left)\" y=\"14\">\(esc(metric))</text>"
        guard !points.isEmpty else { return svg + "<text x=\"\(left)\" y=\"\(height / 2)\">no data</text></svg>\n" }
        let values = points.map(\.value)
        var lo = values.min()!, hi = values.max()!
        if let gate = r.report?.outcomes.first(where: { $0.metric == metric && $0.threshold != .maxRegression }) {
            lo = min(lo, gate.limit)
            hi = max(hi, gate.limit)
        }
        if let band {
            lo = min(lo, band.0)
            hi = max(hi, band.1)
        }
        if hi - lo < 1e-9 { lo -= 0.05; hi += 0.05 }
        let plotW = width - left - right, plotH = height - top - bottom
        func x(_ i: Int) -> Double { points.count == 1 ? left + plotW / 2 : left + plotW * Double(i) / Double(points.count - 1) }
        func y(_ v: Double) -> Double { top + plotH * (1 - (v - lo) / (hi - lo)) }
        svg += "<line x1=\"\(left)\" y1=\"\(top + plotH)\" x2=\"\(left + plotW)\" y2=\"\(top + plotH)\" stroke=\"#999\"/>"
        svg += "<line x1=\"\(left)\" y1=\"\(top)\" x2=\"\(left)\" y2=\"\(top + plotH)\" stroke=\"#999\"/>"
        for v in [lo, (lo + hi) / 2, hi] {
            svg += "<text x=\"\(left - 4)\" y=\"\(fmt1(y(v) + 4))\" text-anchor=\"end\">\(fmt(v))</text>"
        }
        if let band, let o = regression {
            let (y0, y1) = (y(band.1), y(band.0))
            svg += "<rect class=\"band\" x=\"\(left)\" y=\"\(fmt1(y0))\" width=\"\(plotW)\" height=\"\(fmt1(max(y1 - y0, 1)))\" fill=\"#0969da\" fill-opacity=\"0.12\">"
            svg += "<title>maxRegression \(fmt(o.limit)) below the champion: \(fmt(band.0)) to \(fmt(band.1))</title></rect>"
            svg += "<text x=\"\(left + 4)\" y=\"\(fmt1(y1 - 3))\" fill=\"#0969da\">maxRegression \(fmt(o.limit))</text>"
        }
        for o in r.report?.outcomes ?? [] where o.metric == metric && o.threshold != .maxRegression {
            svg += "<line x1=\"\(left)\" y1=\"\(fmt1(y(o.limit)))\" x2=\"\(left + plotW)\" y2=\"\(fmt1(y(o.limit)))\" stroke=\"#cf222e\" stroke-dasharray=\"4 3\"/>"
            svg += "<text x=\"\(left + plotW)\" y=\"\(fmt1(y(o.limit) - 3))\" text-anchor=\"end\" fill=\"#cf222e\">\(o.threshold) \(fmt(o.limit))</text>"
        }
        if points.count > 1 {
            let path = points.indices.map { "\(fmt1(x($0))),\(fmt1(y(points[$0].value)))" }.joined(separator: " ")
            svg += "<polyline points=\"\(path)\" fill=\"none\" stroke=\"#0969da\" stroke-width=\"2\"/>"
        }
        for (i, p) in points.enumerated() {
            let colour = switch p.role {
            case .candidate: r.passed ? "#1a7f37" : "#cf222e"
            case .champion: "#8250df"
            case .published: "#0969da"
            }
            let role = switch p.role {
            case .candidate: "candidate "
            case .champion: "champion "
            case .published: ""
            }
            svg += "<circle cx=\"\(fmt1(x(i)))\" cy=\"\(fmt1(y(p.value)))\" r=\"\(p.role == .published ? 3.5 : 5)\" fill=\"\(colour)\"><title>\(role)\(esc(p.label)): \(fmt(p.value))</title></circle>"
            let mark = p.role == .candidate ? "*" : p.role == .champion ? " ♛" : ""
            svg += "<text x=\"\(fmt1(x(i)))\" y=\"\(top + plotH + 14)\" text-anchor=\"middle\">\(esc(String(p.label.prefix(7))))\(mark)</text>"
        }
        return svg + "</svg>\n"
    }

    /// What a point of the history chart stands for.
    enum PointRole { case published, champion, candidate }

    /// The confusion matrix as a heat map (rows: truth, columns: predicted).
    static func confusionChart(_ r: GateResult) -> String {
        guard let labels = r.evaluation["labels"]?.arrayValue?.compactMap(\.stringValue),
              let rows = r.evaluation["confusion"]?.arrayValue?.map({ ($0.arrayValue ?? []).map { $0.doubleValue ?? 0 } }),
              !labels.isEmpty, rows.count == labels.count else { return "" }
        // Margins fit the longest class name (≈7 px a character at 11 px): names are never cut.
        let longest = Double(labels.map(\.count).max() ?? 1)
        let cell = 36.0, left = max(60, 7 * longest + 12), top = max(40, 5 * longest + 30)
        let n = Double(labels.count)
        let width = left + cell * n + 7 * longest, height = top + cell * n + 30
        let peak = max(rows.flatMap { $0 }.max() ?? 1, 1)
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\">"
        svg += "<title>Confusion matrix on the test data</title><text x=\"4\" y=\"14\">confusion (rows: truth)</text>"
        for (j, label) in labels.enumerated() {
            // Column names slanted, so long ones do not run into each other.
            let (cx, cy) = (fmt1(left + cell * (Double(j) + 0.5)), fmt1(top - 6))
            svg += "<text x=\"\(cx)\" y=\"\(cy)\" transform=\"rotate(-45 \(cx) \(cy))\">\(esc(label))</text>"
        }
        for (i, row) in rows.enumerated() {
            svg += "<text x=\"\(left - 6)\" y=\"\(fmt1(top + cell * (Double(i) + 0.6)))\" text-anchor=\"end\">\(esc(labels[i]))</text>"
            for (j, count) in row.enumerated() {
                let shade = Int(255 - 180 * count / peak)
                let fill = i == j ? "rgb(\(shade),\(min(255, shade + 40)),\(shade))" : "rgb(255,\(shade),\(shade))"
                svg += "<rect x=\"\(fmt1(left + cell * Double(j)))\" y=\"\(fmt1(top + cell * Double(i)))\" width=\"\(cell)\" height=\"\(cell)\" fill=\"\(fill)\" stroke=\"#fff\"/>"
                svg += "<text x=\"\(fmt1(left + cell * (Double(j) + 0.5)))\" y=\"\(fmt1(top + cell * (Double(i) + 0.6)))\" text-anchor=\"middle\">\(JSON.format(count))</text>"
            }
        }
        return svg + "</svg>\n"
    }

    static func fmt1(_ d: Double) -> String { String(format: "%.1f", d) }
}
