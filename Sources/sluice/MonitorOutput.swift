import Foundation
import SluiceCore
import SluiceMonitor
import SluiceReconcile

/// What `sluice monitor` prints (pure): a table per feature, the prediction drift, the live metric and the
/// estimate, and the conditions; or the same as JSON.
enum MonitorOutput {
    /// The statistics judged, what they were judged against, and where they came from.
    struct Judged {
        var subject: MonitorSubject
        var stats: WindowStats
        var series: [MonitorWindow.Point]
        var policy: MonitorPolicy
        /// "600 rows of data.csv", "the last 24h on http://…".
        var source: String
        var data: String?
        var server: String?
        var window: MonitorWindow?
        /// What the server says beside the window: labels still waiting for their row, rows it could not record.
        var unmatchedLabels: Int?
        var dropped: Int?
    }

    /// The `--json` document: ``MonitorReport/json`` with `formatVersion`, `model`, `version`, `data`,
    /// `server` and `window` added.
    static func json(_ report: MonitorReport, judged: Judged) -> JSON {
        var out = report.json.objectValue ?? [:]
        out["formatVersion"] = 1
        out["model"] = .string(judged.subject.model)
        out["version"] = .string(judged.subject.version)
        out["data"] = judged.data.map(JSON.string) ?? .null
        out["server"] = judged.server.map(JSON.string) ?? .null
        out["unmatchedLabels"] = judged.unmatchedLabels.map { .number(Double($0)) } ?? .null
        out["dropped"] = judged.dropped.map { .number(Double($0)) } ?? .null
        if let w = judged.window {
            out["window"] = ["from": .number(Double(w.from)), "to": .number(Double(w.to)), "seconds": .number(Double(w.to - w.from))]
            out["series"] = .array(w.series.map { p in
                ["from": .number(Double(p.from)), "rows": .number(Double(p.rows)), "labelled": .number(Double(p.labelled)),
                 "live": p.live.map(JSON.number) ?? .null, "estimate": p.estimate.map(JSON.number) ?? .null]
            })
        } else {
            out["window"] = .null
            out["series"] = []
        }
        return .object(out)
    }

    /// The lines for people.
    static func text(_ report: MonitorReport, judged: Judged) -> [String] {
        var lines = [Terminal.paint("\(judged.subject.model) \(VersionIdentity.short(judged.subject.version))", .bold)
            + ": \(judged.source); \(report.rows) rows, \(report.labelled) labelled"]
        if !report.features.isEmpty {
            let width = max(7, report.features.map(\.name.count).max() ?? 0)
            func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
            lines.append(pad("feature", width) + "  PSI     KS      missing  unknown  level")
            for d in report.features {
                let level = d.level == .breach ? Terminal.paint("breach", .red) : d.level == .warn ? Terminal.paint("warn", .yellow) : "ok"
                lines.append(pad(d.name, width) + "  " + pad(fmt(d.psi), 6) + "  " + pad(fmt(d.ks), 6) + "  "
                    + pad(fmt(d.missingRate), 7) + "  " + pad(fmt(d.unknownRate), 7) + "  " + level)
            }
        }
        lines.append("prediction PSI: " + (report.predictionPSI.map(fmt) ?? "– (no rows)"))
        if let live = report.live {
            var line = "live \(live.name): \(fmt(live.value))"
            if let i = live.interval { line += " (95 % interval \(fmt(i.lowerBound))–\(fmt(i.upperBound)))" }
            line += " on \(live.labelled) labelled rows"
            if let ref = report.referenceValue { line += "; test \(fmt(ref))" }
            lines.append(line)
        } else {
            lines.append("live \(report.metric): no labelled rows" + (judged.data != nil ? " (the file has no target column, or no truth in it)" : ""))
        }
        if let e = report.estimatedAccuracy {
            lines.append("estimated accuracy (calibrated confidence, no labels needed): \(fmt(e))"
                + (judged.subject.profile.testMetrics["accuracy"].map { "; test \(fmt($0))" } ?? ""))
        }
        if let n = judged.unmatchedLabels, n > 0 {
            lines.append("\(n) label(s) on the server match no logged row (not sampled, pruned, or still to come; "
                + "sluice serve logs every row with --monitor-log-rows 1 and a --monitor-max-rows-per-second above your traffic)")
        }
        if let n = judged.dropped, n > 0 {
            lines.append(Terminal.paint("the server dropped \(n) row(s) since it started, its monitor queue being full (sluice_monitor_dropped_total)", .yellow))
        }
        if let note = MonitorPage.shareNote(report, policy: judged.policy) { lines.append(note) }
        if report.conditions.isEmpty {
            lines.append(Terminal.paint("no condition holds", .green))
        }
        for c in report.conditions {
            let head = "\(c.kind.rawValue) (\(c.reason.rawValue))"
            lines.append((c.isBreach ? Terminal.paint(head, .red) : Terminal.paint(head, .yellow)) + ": \(c.message)")
        }
        return lines
    }

    /// Four decimals, trailing zeros kept, so the table's columns line up.
    static func fmt(_ d: Double) -> String { String(format: "%.4f", d) }
}
