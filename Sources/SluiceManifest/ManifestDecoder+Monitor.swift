import SluiceCore
import SluiceMonitor

extension FieldReader {
    /// `spec.monitor`: every field checked, each problem naming its path and value.
    mutating func monitor(_ node: JSONNode, deploy: DeploySpec?, gate: [GateRule]) -> MonitorSpec? {
        let p = "spec.monitor"
        guard let o = object(node, p, allowed: ManifestFields.monitor) else { return nil }
        var spec = MonitorSpec()
        let before = errors.count
        if let n = o["server"], let s = string(n, "\(p).server") {
            if DatasetSpec.isURL(s), s.split(separator: "/", omittingEmptySubsequences: true).count >= 2 { spec.server = s } else {
                fail(n, "\(p).server", "\(n.snippet) is not an http:// or https:// URL; give the base URL of the sluice serve that serves the model, e.g. \"http://127.0.0.1:8080\"")
            }
        }
        if case .directory = deploy, o["server"] == nil {
            fail(node, "\(p).server", "spec.monitor.server is needed for a directory target: the URL of the sluice serve that serves it (e.g. \"http://127.0.0.1:8080\")")
        }
        spec.interval = duration(o["interval"], "\(p).interval", positive: true) ?? spec.interval
        spec.window = duration(o["window"], "\(p).window", positive: true) ?? spec.window
        spec.persistFor = duration(o["persistFor"], "\(p).persistFor", positive: false) ?? spec.persistFor
        spec.policy.minSamples = count(o["minSamples"], "\(p).minSamples") ?? spec.policy.minSamples
        if let n = o["drift"], let d = object(n, "\(p).drift", allowed: ManifestFields.monitorDrift) {
            if let m = d["method"], let s = string(m, "\(p).drift.method") {
                let names = MonitorPolicy.DriftMethod.allCases.map(\.rawValue)
                if let method = MonitorPolicy.DriftMethod(rawValue: s) { spec.policy.driftMethod = method } else {
                    fail(m, "\(p).drift.method", "unknown drift method \(m.snippet)\(Suggestion.hint(s, names)); expected \"psi\" (population stability index, the default) or \"ks\" (binned Kolmogorov–Smirnov)")
                }
            }
            let ceiling: Double? = spec.policy.driftMethod == .ks ? 1 : nil
            spec.policy.driftWarn = level(d["warn"], "\(p).drift.warn", max: ceiling, positive: true) ?? spec.policy.driftWarn
            spec.policy.driftBreach = level(d["breach"], "\(p).drift.breach", max: ceiling, positive: true) ?? spec.policy.driftBreach
            if spec.policy.driftWarn > spec.policy.driftBreach {
                fail(d["warn"] ?? d["breach"], "\(p).drift.warn",
                     "\(JSON.format(spec.policy.driftWarn)) is above drift.breach \(JSON.format(spec.policy.driftBreach)); a feature warns before it breaches, so warn must be at most breach")
            }
            spec.policy.driftShare = level(d["share"], "\(p).drift.share", max: 1) ?? spec.policy.driftShare
        }
        if let n = o["prediction"], let d = object(n, "\(p).prediction", allowed: ManifestFields.monitorPrediction) {
            spec.policy.predictionBreach = level(d["breach"], "\(p).prediction.breach", max: nil, positive: true) ?? spec.policy.predictionBreach
        }
        if let n = o["quality"], let d = object(n, "\(p).quality", allowed: ManifestFields.monitorQuality) {
            spec.policy.missingIncrease = level(d["missingIncrease"], "\(p).quality.missingIncrease", max: 1, positive: true) ?? spec.policy.missingIncrease
            spec.policy.unknownShare = level(d["unknownShare"], "\(p).quality.unknownShare", max: 1, positive: true) ?? spec.policy.unknownShare
        }
        if let n = o["performance"], let d = object(n, "\(p).performance", allowed: ManifestFields.monitorPerformance) {
            spec.policy.minLabels = count(d["minLabels"], "\(p).performance.minLabels") ?? spec.policy.minLabels
            spec.policy.maxDegradation = level(d["maxDegradation"], "\(p).performance.maxDegradation", max: nil) ?? spec.policy.maxDegradation
        }
        if let n = o["onBreach"], let s = string(n, "\(p).onBreach") {
            switch MonitorSpec.OnBreach(rawValue: s) {
            case .alert: spec.onBreach = .alert
            case .retrain: spec.onBreach = .retrain
            case nil:
                fail(n, "\(p).onBreach", "unknown action \(n.snippet)\(Suggestion.hint(s, MonitorSpec.OnBreach.allCases.map(\.rawValue))); expected \"alert\" or \"retrain\"")
            }
        }
        if let n = o["retrain"], let d = object(n, "\(p).retrain", allowed: ManifestFields.monitorRetrain) {
            spec.retrain.cooldown = duration(d["cooldown"], "\(p).retrain.cooldown", positive: false) ?? spec.retrain.cooldown
            spec.retrain.maxPerWeek = count(d["maxPerWeek"], "\(p).retrain.maxPerWeek") ?? spec.retrain.maxPerWeek
            spec.retrain.holdout = holdout(d["holdout"], "\(p).retrain.holdout") ?? spec.retrain.holdout
        }
        spec.watch(gate: gate)
        return errors.count == before ? spec : nil
    }

    /// A duration string (`30s`, `5m`, `24h`, `7d`); `positive`: zero is refused too.
    private mutating func duration(_ node: JSONNode?, _ path: String, positive: Bool) -> Double? {
        guard let node else { return nil }
        guard case .string(let s) = node.kind else {
            fail(node, path, "expected a duration string such as \"30s\", \"5m\", \"24h\" or \"7d\", got \(node.typeDescription) \(node.snippet)")
            return nil
        }
        do {
            let seconds = try DurationText.seconds(s)
            if positive && seconds <= 0 {
                fail(node, path, "\(node.snippet) is zero; expected a duration greater than zero, such as \"30s\" or \"5m\"")
                return nil
            }
            return seconds
        } catch {
            fail(node, path, error.description)
            return nil
        }
    }

    /// A whole number ≥ 1.
    private mutating func count(_ node: JSONNode?, _ path: String) -> Int? {
        guard let node, let d = number(node, path) else { return nil }
        guard d >= 1, d == d.rounded(), d < 1e15 else {
            fail(node, path, "\(node.snippet) is not allowed; expected a whole number ≥ 1")
            return nil
        }
        return Int(d)
    }

    /// A number ≥ 0, and ≤ `max` when given (shares and rates: 1); `positive`: zero is refused too (a
    /// threshold of 0 would hold on every check).
    private mutating func level(_ node: JSONNode?, _ path: String, max: Double?, positive: Bool = false) -> Double? {
        guard let node, let d = number(node, path) else { return nil }
        if positive && d == 0 {
            fail(node, path, "0 is not allowed: a threshold of 0 is reached by every window, so the condition would hold on every check; expected a number above 0 (the default is \(Self.defaultThreshold(path)))")
            return nil
        }
        guard d >= 0, d <= (max ?? .greatestFiniteMagnitude) else {
            let range = max.map { "from 0 to \(JSON.format($0))" } ?? "≥ 0"
            let percent = max == 1 && d > 1 && d <= 100 ? "; did you mean \(JSON.format(d / 100))? Shares are fractions, not percentages" : ""
            fail(node, path, "\(node.snippet) is out of range; expected a number \(range)\(percent)")
            return nil
        }
        return d
    }

    /// `retrain.holdout`: a share strictly between 0 and 1 (both ends would leave the retrain
    /// nothing to gate on, or nothing to learn from).
    private mutating func holdout(_ node: JSONNode?, _ path: String) -> Double? {
        guard let node, let d = number(node, path) else { return nil }
        guard d <= 0 || d >= 1 else { return d }
        let why = switch d {
        case 0: "0 would hold out no fresh row, so a retrained version could not be gated"
        case 1: "1 would hold out every fresh row and train on none of them"
        default: "\(node.snippet) is out of range"
        }
        let percent = d > 1 && d < 100 && d == d.rounded() ? "; did you mean \(JSON.format(d / 100))? Shares are fractions, not percentages" : ""
        fail(node, path, "\(why); expected a share above 0 and below 1, such as \(JSON.format(MonitorSpec.Retrain().holdout)) (the default)\(percent)")
        return nil
    }

    /// The default of a threshold, for messages.
    private static func defaultThreshold(_ path: String) -> String {
        let d = MonitorPolicy()
        let value: Double = switch path.split(separator: ".").suffix(2).joined(separator: ".") {
        case "drift.warn": d.driftWarn
        case "drift.breach": d.driftBreach
        case "prediction.breach": d.predictionBreach
        case "quality.missingIncrease": d.missingIncrease
        default: d.unknownShare
        }
        return JSON.format(value)
    }
}
