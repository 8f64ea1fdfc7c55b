import Foundation
import SluiceController
import SluiceCore
import SluiceMonitor
import SluiceReconcile

extension UI {
    /// The monitoring panel, for a model with `spec.monitor` or a monitor state: the conditions,
    /// per-feature drift bars with the manifest's warn and breach thresholds (``MonitorPolicy``'s
    /// defaults otherwise), prediction drift, live vs test metric (and over the window, when the
    /// report has the server's series), label coverage, dropped records, the retrain note and the
    /// last check. `nil` for a model that is not monitored.
    func monitoring(_ r: ModelRecords) -> [String: Any]? {
        guard r.manifest?.monitor != nil || r.monitor != nil else { return nil }
        let now = context.clock.now
        let policy = r.manifest?.monitor?.policy ?? MonitorPolicy()
        var o: [String: Any] = [:]
        guard let state = r.monitor else {
            o["notChecked"] = "Not checked yet: the controller checks a monitored model once a version of it is in service (every spec.monitor.interval)."
            return o
        }
        o["checked"] = ["age": UIFormat.age(state.checkedAt, now: now), "time": UIFormat.time(state.checkedAt)]
        if let problem = state.problem { o["problem"] = problem }
        if let retrain = state.retrain { o["retrain"] = retrain }
        if let v = state.version { o["version"] = ["id": v, "short": UIFormat.short(v)] }
        o["conditions"] = state.conditions.map { c -> [String: Any] in
            ["type": c.condition.kind.rawValue, "reason": c.condition.reason.rawValue, "message": c.condition.message,
             "since": UIFormat.time(c.since), "sinceAge": UIFormat.age(c.since, now: now),
             "breached": c.breached ? "✕ breached" : "raised, not yet breached", "breachedClass": c.breached ? "bad" : "warn"]
        }
        o["hasConditions"] = !state.conditions.isEmpty
        guard let text = state.report, let report = try? JSONParser.parse(text).value else { return o }
        o.merge(Self.reportFacts(report, policy: policy)) { a, _ in a }
        return o
    }

    /// The figures of a stored monitor report (``SluiceMonitor/MonitorReport/json`` plus `series`,
    /// `dropped` and `unmatchedLabels`), for the panel.
    static func reportFacts(_ report: JSON, policy: MonitorPolicy) -> [String: Any] {
        var o: [String: Any] = [:]
        let statistic = policy.driftMethod == .psi ? "psi" : "ks"
        let bars = (report["features"]?.arrayValue ?? []).compactMap { f -> DriftBars.Bar? in
            guard let name = f["name"]?.stringValue, let value = f[statistic]?.doubleValue else { return nil }
            return DriftBars.Bar(feature: name, value: value, level: f["level"]?.stringValue ?? "ok")
        }
        if !bars.isEmpty {
            o["driftSVG"] = DriftBars(statistic: statistic.uppercased(), bars: bars, warn: policy.driftWarn, breach: policy.driftBreach).svg
            o["features"] = (report["features"]?.arrayValue ?? []).map { f -> [String: Any] in
                let level = f["level"]?.stringValue ?? "ok"
                return ["name": f["name"]?.stringValue ?? "?", "psi": f["psi"]?.doubleValue.map(UIFormat.metric) ?? "–",
                        "ks": f["ks"]?.doubleValue.map(UIFormat.metric) ?? "–",
                        "missing": f["missingRate"]?.doubleValue.map(percent) ?? "–",
                        "level": level == "breach" ? "✕ breach" : level == "warn" ? "▲ warn" : "✓ ok",
                        "levelClass": level == "breach" ? "bad" : level == "warn" ? "warn" : "ok"]
            }
            o["statistic"] = statistic.uppercased()
            o["warn"] = UIFormat.metric(policy.driftWarn)
            o["breach"] = UIFormat.metric(policy.driftBreach)
        }
        if let psi = report["prediction"]?["psi"]?.doubleValue {
            let over = psi >= policy.predictionBreach
            o["prediction"] = "\(over ? "✕" : "✓") prediction PSI \(UIFormat.metric(psi)): \(over ? "at or above" : "below") the breach line \(UIFormat.metric(policy.predictionBreach))"
        }
        let metric = report["metric"]?["name"]?.stringValue ?? report["live"]?["metric"]?.stringValue ?? "metric"
        let test = report["metric"]?["test"]?.doubleValue
        if let live = report["live"], let value = live["value"]?.doubleValue {
            var s = "live \(metric) \(UIFormat.metric(value))"
            if let low = live["low"]?.doubleValue, let high = live["high"]?.doubleValue {
                s += " (interval \(UIFormat.metric(low))–\(UIFormat.metric(high)))"
            }
            if let n = live["labelled"]?.intValue { s += " on \(n) labelled row\(n == 1 ? "" : "s")" }
            s += test.map { "; test \(UIFormat.metric($0)), \(UIFormat.delta(value - $0)) from it" } ?? ""
            o["live"] = s
        } else {
            o["live"] = "no live \(metric) yet: too few labelled rows in the window" + (test.map { "; test \(UIFormat.metric($0))" } ?? "")
        }
        if let estimate = report["estimate"]?["accuracy"]?.doubleValue {
            o["estimate"] = "estimated accuracy without labels \(UIFormat.metric(estimate))"
        }
        if let rows = report["rows"]?.intValue, let labelled = report["labelled"]?.intValue {
            o["coverage"] = "\(labelled) of \(rows) rows labelled" + (rows > 0 ? " (\(percent(Double(labelled) / Double(rows))))" : "")
        }
        if let unmatched = report["unmatchedLabels"]?.intValue, unmatched > 0 {
            o["unmatched"] = "\(unmatched) label\(unmatched == 1 ? "" : "s") matched no logged row"
        }
        o["dropped"] = report["dropped"]?.intValue.map { "\($0) record\($0 == 1 ? "" : "s") dropped by the server (its monitoring queue was full)" }
            ?? "dropped records: not reported (the controller has not checked since it started recording them)"
        let steps = SeriesChart.steps(report["series"])
        if !steps.isEmpty {
            o["seriesSVG"] = SeriesChart(metric: metric, steps: steps, test: test).svg
            o["series"] = steps.map { p -> [String: Any] in
                ["from": UIFormat.time(Date(timeIntervalSince1970: Double(p.from))), "rows": p.rows, "labelled": p.labelled,
                 "live": p.live.map(UIFormat.metric) ?? "–", "estimate": p.estimate.map(UIFormat.metric) ?? "–"]
            }
        }
        return o
    }

    /// A share as a percentage with at most one decimal: `25%`, `12.5%`.
    static func percent(_ share: Double) -> String {
        JSON.format((share * 1_000).rounded() / 10) + "%"
    }
}
