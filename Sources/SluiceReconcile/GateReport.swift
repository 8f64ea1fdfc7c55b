import SluiceCore
import SluiceLearn
import SluiceManifest

/// A gate's verdict on a candidate, rule by rule.
public struct GateReport: Sendable, Equatable {
    public var outcomes: [RuleOutcome]
    public var passed: Bool { !outcomes.contains { $0.status == .failed } }
    /// The failed rules in one line, or "all rules passed".
    public var summary: String {
        let failed = outcomes.filter { $0.status == .failed }.map(\.message)
        guard failed.isEmpty else { return failed.joined(separator: "; ") }
        if outcomes.isEmpty { return "no gate rules" }
        let skipped = outcomes.filter { $0.status == .skipped }.count
        let notApplicable = outcomes.filter { $0.status == .notApplicable }.count
        return "\(outcomes.count - skipped - notApplicable) rule(s) passed"
            + (skipped > 0 ? ", \(skipped) skipped (no champion)" : "")
            + (notApplicable > 0 ? ", \(notApplicable) not applicable (the candidate is the version in service)" : "")
    }

    /// Evaluates every threshold of every rule.
    /// - Parameters:
    ///   - candidate: the candidate's metrics on its test data.
    ///   - champion: the champion's metrics on the same data, or `nil` when there is no champion
    ///     (then `maxRegression` is skipped, never silently passed).
    ///   - candidateInService: the candidate is the champion itself; `maxRegression` is then not
    ///     applicable (there is nothing else to compare with), and says so.
    public static func evaluate(_ rules: [GateRule], candidate: [String: Double], champion: [String: Double]?,
                                candidateInService: Bool = false) -> GateReport {
        var out: [RuleOutcome] = []
        for rule in rules {
            let value = candidate[rule.metric] ?? .nan
            let higher = Metric.named(rule.metric)?.higherIsBetter ?? true
            let v = fmt(value)
            if let lo = rule.min {
                let ok = value >= lo
                out.append(RuleOutcome(metric: rule.metric, threshold: .min, limit: lo, candidate: value, champion: nil,
                                       status: ok ? .passed : .failed, message: "\(rule.metric) \(v) \(ok ? "≥" : "<") min \(fmt(lo))"))
            }
            if let hi = rule.max {
                let ok = value <= hi
                out.append(RuleOutcome(metric: rule.metric, threshold: .max, limit: hi, candidate: value, champion: nil,
                                       status: ok ? .passed : .failed, message: "\(rule.metric) \(v) \(ok ? "≤" : ">") max \(fmt(hi))"))
            }
            if let allowed = rule.maxRegression, candidateInService {
                out.append(RuleOutcome(metric: rule.metric, threshold: .maxRegression, limit: allowed, candidate: value, champion: value,
                                       status: .notApplicable,
                                       message: "\(rule.metric) maxRegression not applicable: the candidate is the version in service"))
            } else if let allowed = rule.maxRegression {
                guard let champ = champion?[rule.metric] else {
                    out.append(RuleOutcome(metric: rule.metric, threshold: .maxRegression, limit: allowed, candidate: value, champion: nil,
                                           status: .skipped, message: "\(rule.metric) maxRegression skipped: no champion to compare with"))
                    continue
                }
                let regression = higher ? champ - value : value - champ
                let ok = regression <= allowed + 1e-12
                let message = ok
                    ? "\(rule.metric) \(v) vs champion \(fmt(champ)): regression \(fmt(max(regression, 0))) ≤ maxRegression \(fmt(allowed))"
                    : "\(rule.metric) \(v) vs champion \(fmt(champ)): regression \(fmt(regression)) > maxRegression \(fmt(allowed))"
                out.append(RuleOutcome(metric: rule.metric, threshold: .maxRegression, limit: allowed, candidate: value, champion: champ,
                                       status: ok ? .passed : .failed, message: message))
            }
        }
        return GateReport(outcomes: out)
    }

    /// Whether any rule needs the champion's metrics.
    public static func needsChampion(_ rules: [GateRule]) -> Bool { rules.contains { $0.maxRegression != nil } }

    static func fmt(_ d: Double) -> String {
        guard d.isFinite else { return "n/a" }
        let s = String(format4: d)
        return s
    }
}

extension String {
    /// Up to 4 decimals, trailing zeros trimmed: 0.9333, 0.9, 1.
    init(format4 d: Double) {
        let scaled = (d * 10_000).rounded() / 10_000
        self = JSON.format(scaled)
    }
}

extension GateReport {
    /// The report as JSON (stored with the verdict, and in `--json` output).
    public var json: JSON {
        .array(outcomes.map { o in
            [
                "metric": .string(o.metric), "threshold": .string(o.threshold.rawValue), "limit": .number(o.limit),
                "candidate": o.candidate.isFinite ? .number(o.candidate) : .null,
                "champion": o.champion.map(JSON.number) ?? .null,
                "status": .string(o.status.rawValue), "message": .string(o.message),
            ]
        })
    }
}
