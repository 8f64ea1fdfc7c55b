import Foundation
import SluiceController
import SluiceCore
import SluiceReconcile

extension UI {
    /// The gate history: every verdict newest first, rule by rule (``VerdictRecord/details`` is
    /// ``SluiceReconcile/GateReport/json``), with the champion and the candidate's delta from it.
    func gateHistory(_ r: ModelRecords) -> [String: Any] {
        let verdicts = r.verdicts.reversed().map { v -> [String: Any] in
            let outcomes = v.details.arrayValue ?? []
            let championMetrics = v.champion.flatMap { r.versionOf[$0]?.metrics } ?? [:]
            var rules = outcomes.map { o -> [String: Any] in
                let metric = o["metric"]?.stringValue ?? "?"
                let candidate = o["candidate"]?.doubleValue
                let champion = o["champion"]?.doubleValue ?? championMetrics[metric]
                let status = o["status"]?.stringValue.flatMap(RuleOutcome.Status.init(rawValue:))
                var rule: [String: Any] = [
                    "metric": metric, "threshold": o["threshold"]?.stringValue ?? "?",
                    "limit": o["limit"]?.doubleValue.map(UIFormat.metric) ?? "–",
                    "candidate": candidate.map(UIFormat.metric) ?? "–", "championValue": champion.map(UIFormat.metric) ?? "–",
                    "delta": candidate.flatMap { c in champion.map { UIFormat.delta(c - $0) } } ?? "–",
                    "outcome": status.map { Self.mark($0) + " " + $0.words } ?? "?", "outcomeClass": status.map(Self.tone) ?? "muted",
                    "message": o["message"]?.stringValue ?? "",
                ]
                rule["first"] = false
                rule["empty"] = false
                return rule
            }
            if rules.isEmpty { rules = [["empty": true, "message": v.summary]] }
            rules[0]["first"] = true
            rules[0]["span"] = rules.count
            var row: [String: Any] = [
                "id": v.version, "short": UIFormat.short(v.version), "at": UIFormat.time(v.evaluatedAt),
                "verdict": v.passed ? "✓ passed" : "✕ failed", "verdictClass": v.passed ? "ok" : "bad", "rules": rules,
            ]
            row["championShort"] = v.champion.map(UIFormat.short) ?? "none"
            if let champion = v.champion { row["championId"] = champion }
            return row
        }
        return ["verdicts": verdicts]
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
