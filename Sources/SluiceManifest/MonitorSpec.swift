import SluiceMonitor

/// `spec.monitor`: how the controller watches a model in service (issue 14). Defaults filled in.
///
/// Changing it retrains and republishes nothing: it is not part of the version identity
/// (``Manifest/trainingInputs``), and it enters ``Manifest/canonicalJSON`` only when present, so
/// manifests without it keep their digests.
public struct MonitorSpec: Sendable, Equatable {
    /// What a breach does.
    public enum OnBreach: String, Sendable, CaseIterable {
        /// Report it (conditions, events, metrics). The default.
        case alert
        /// Report it, and retrain on the labelled feedback through the unchanged gate
        /// (docs/monitoring.md, "The retrain loop"), within the ``Retrain`` guards.
        case retrain
    }

    /// The guards of `onBreach: retrain`.
    public struct Retrain: Sendable, Equatable {
        /// Seconds between two automatic retrains. Default 24 h.
        public var cooldown: Double = 86_400
        /// Automatic retrains of one spec allowed within 7 days; then the model is stalled until its
        /// manifest changes. Default 3.
        public var maxPerWeek: Int = 3
        /// The share of the fresh labelled rows (the newest) held out to gate the candidate and the
        /// champion on, in (0, 1). Default 0.3. A retrain needs at least `performance.minLabels` fresh rows.
        public var holdout: Double = 0.3
        /// The defaults.
        public init() {}
    }

    /// The base URL of the `sluice serve` that serves the model (`http://host:port`); `nil` for an
    /// `http` target, whose server is the target's own (``serverURL(deploy:)``).
    public var server: String?
    /// Seconds between two checks. Default 5 min.
    public var interval: Double = 300
    /// The window of traffic each check judges, in seconds. Default 24 h.
    public var window: Double = 86_400
    /// How long a `Drifted` or `Degraded` condition must hold before it is a breach, in seconds. Default 1 h.
    public var persistFor: Double = 3_600
    /// The thresholds, defaults from ``MonitorPolicy``; `metric` and `floor` come from the gate.
    public var policy = MonitorPolicy()
    public var onBreach = OnBreach.alert
    public var retrain = Retrain()

    /// The defaults (no server).
    public init() {}

    /// The metrics live labelled rows can be judged on (the others need per-row probabilities).
    public static let liveMetrics = LabelledStats.classificationMetrics + LabelledStats.regressionMetrics

    /// The policy's watched metric and floor from a gate: its first rule (by metric name) on a metric
    /// live rows can measure, with that rule's `min` (its `max` for errors) as the floor; no such
    /// rule leaves the policy's defaults (accuracy or RMSE, no floor).
    public mutating func watch(gate: [GateRule]) {
        guard let rule = gate.first(where: { Self.liveMetrics.contains($0.metric) }) else { return }
        policy.metric = rule.metric
        policy.floor = MonitorPolicy.lowerIsBetter(rule.metric) ? rule.max : rule.min
    }

    /// The base URL of the server to read: `server`, else the base of an `http` target's URL
    /// (everything before `/v2/`, or its scheme, host and port).
    /// - Returns: `nil` for a `directory` target without `server` (validation refuses that).
    public func serverURL(deploy: DeploySpec) -> String? {
        if let server { return Self.trimmed(server) }
        guard case .http(let url, _) = deploy else { return nil }
        let chars = Array(url)
        func find(_ needle: String, from start: Int = 0) -> Int? {
            let n = Array(needle)
            guard chars.count >= n.count, start <= chars.count - n.count else { return nil }
            return (start...(chars.count - n.count)).first { Array(chars[$0..<($0 + n.count)]) == n }
        }
        let host = (find("://").map { $0 + 3 }) ?? 0
        if let v2 = find("/v2/", from: host) { return String(chars[..<v2]) }
        let end = chars[host...].firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? chars.count
        return String(chars[..<end])
    }

    private static func trimmed(_ s: String) -> String {
        var s = Substring(s)
        while s.hasSuffix("/") { s = s.dropLast() }
        return String(s)
    }
}
