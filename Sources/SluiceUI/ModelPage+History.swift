import Foundation
import SluiceController
import SluiceCore
import SluiceReconcile

extension UI {
    /// How many verdicts the gate history shows unless asked for all (`?verdicts=all`): the page of a
    /// model with hundreds of versions stays small (half its bytes were the history).
    static let recentVerdicts = 50

    /// The gate history's rows: the newest ``recentVerdicts`` verdicts (every one with `all`), newest
    /// first, rule by rule (``VerdictRecord/details`` is ``SluiceReconcile/GateReport/json``), with the
    /// champion and the candidate's delta from it. Built here, every value through ``HTML/escape(_:)``.
    func gateHistory(_ r: ModelRecords, all: Bool, query: UIQuery) -> [String: Any] {
        var html = ""
        let shown = all ? r.verdicts[...] : r.verdicts.suffix(Self.recentVerdicts)
        for v in shown.reversed() {
            let outcomes = v.details.arrayValue ?? []
            let championMetrics = v.champion.flatMap { r.versionOf[$0]?.metrics } ?? [:]
            let span = max(outcomes.count, 1)
            let id = HTML.escape(v.version)
            html += "<tr data-verdict=\"\(id)\"><td rowspan=\"\(span)\">\(UIFormat.time(v.evaluatedAt))</td>"
            html += "<th scope=\"row\" rowspan=\"\(span)\"><code title=\"\(id)\">\(HTML.escape(UIFormat.short(v.version)))</code></th>"
            html += "<td rowspan=\"\(span)\" class=\"\(v.passed ? "ok" : "bad")\">\(v.passed ? "✓ passed" : "✕ failed")</td><td rowspan=\"\(span)\">"
            html += v.champion.map { "<code title=\"\(HTML.escape($0))\">\(HTML.escape(UIFormat.short($0)))</code>" } ?? "none"
            html += "</td>"
            if outcomes.isEmpty { html += "<td colspan=\"7\">\(HTML.escape(v.summary))</td></tr>\n" }
            for (i, o) in outcomes.enumerated() {
                let metric = o["metric"]?.stringValue ?? "?"
                let candidate = o["candidate"]?.doubleValue
                let champion = o["champion"]?.doubleValue ?? championMetrics[metric]
                let status = o["status"]?.stringValue.flatMap(RuleOutcome.Status.init(rawValue:))
                let delta = candidate.flatMap { c in champion.map { UIFormat.delta(c - $0) } } ?? "–"
                if i > 0 { html += "<tr>" }
                html += "<td>\(HTML.escape(metric))</td><td>\(HTML.escape(o["threshold"]?.stringValue ?? "?"))</td>"
                html += "<td class=\"num\">\(o["limit"]?.doubleValue.map(UIFormat.metric) ?? "–")</td><td class=\"num\">\(candidate.map(UIFormat.metric) ?? "–")</td>"
                html += "<td class=\"num\">\(champion.map(UIFormat.metric) ?? "–")</td><td class=\"num\">\(delta)</td>"
                html += "<td class=\"\(status.map(Self.tone) ?? "muted")\" title=\"\(HTML.escape(o["message"]?.stringValue ?? ""))\">"
                html += (status.map { Self.mark($0) + " " + $0.words } ?? "?") + "</td></tr>\n"
            }
        }
        var out: [String: Any] = ["historyRows": html, "hasVerdicts": !r.verdicts.isEmpty]
        if shown.count < r.verdicts.count {
            out["historyMore"] = "The newest \(shown.count) of \(r.verdicts.count) verdicts."
            out["historyAllHref"] = HTML.modelPath(r.name) + query.setting("verdicts", to: "all").text + "#gate-history"
        }
        return out
    }

    /// A rule's outcome as a mark, so that it reads without its colour.
    static func mark(_ s: RuleOutcome.Status) -> String {
        switch s {
        case .passed: "✓"
        case .failed: "✕"
        case .skipped, .notApplicable: "–"
        }
    }

    /// The CSS class of an outcome.
    static func tone(_ s: RuleOutcome.Status) -> String {
        switch s {
        case .passed: "ok"
        case .failed: "bad"
        case .skipped, .notApplicable: "muted"
        }
    }
}
