import SluiceCore

/// A window of live statistics judged against the reference profile: what `GET /v2/models/{name}/monitor`,
/// `sluice monitor` and the controller show. Built by ``evaluate(profile:stats:policy:)``, a pure function.
public struct MonitorReport: Equatable, Sendable {
    /// How far a statistic is from its reference.
    public enum Level: String, Sendable {
        case ok, warn, breach
    }

    /// One feature's drift and data quality.
    public struct FeatureDrift: Equatable, Sendable {
        public var name: String
        /// PSI against the training histogram.
        public var psi: Double
        /// Binned KS against the training histogram.
        public var ks: Double
        /// The share of window rows where the feature was missing, and the training share.
        public var missingRate: Double
        public var referenceMissingRate: Double
        /// The share of window rows with a category never seen in training.
        public var unknownRate: Double
        /// The drift statistic of the policy's method, judged against its thresholds.
        public var level: Level
    }

    /// Rows and labelled rows in the window.
    public var rows: Int
    public var labelled: Int
    /// Per feature, in profile order (empty when the window has no rows).
    public var features: [FeatureDrift]
    /// PSI of the prediction histogram against the test-split predictions (`nil` without rows).
    public var predictionPSI: Double?
    /// The watched metric on labelled rows (`nil` without labels).
    public var live: LiveMetric?
    /// The label-free accuracy estimate: mean calibrated P(correct) (classifiers with a calibration map and rows).
    public var estimatedAccuracy: Double?
    /// The watched metric's name and its test-split value.
    public var metric: String
    public var referenceValue: Double?
    /// The conditions that hold now (before any persistence rule).
    public var conditions: [MonitorCondition]

    /// The features in breach, in profile order.
    public var breachedFeatures: [String] { features.filter { $0.level == .breach }.map(\.name) }

    /// Judges `stats` against `profile` with `policy`.
    ///
    /// - A window with fewer than `minSamples` rows is `InsufficientData` (TooFewRows) and no drift is judged.
    /// - `Drifted`: FeatureDrift when at least one feature, and at least `driftShare` of them, are in breach;
    ///   PredictionDrift when the prediction PSI reaches `predictionBreach`; DataQuality when a missing rate
    ///   rose by `missingIncrease` or unknown categories reach `unknownShare`.
    /// - `Degraded`: LivePerformance when at least `minLabels` labelled rows put the watched metric's whole
    ///   95 % interval (or its value, for metrics without one) beyond `maxDegradation` from the test value,
    ///   or below `floor`; else EstimatedPerformance when the label-free accuracy estimate is more than
    ///   `maxDegradation` below the test accuracy.
    /// - Labelled rows, but fewer than `minLabels`: `InsufficientData` (TooFewLabels).
    public static func evaluate(profile: ReferenceProfile, stats: WindowStats, policy: MonitorPolicy) -> MonitorReport {
        let metric = policy.metric ?? (profile.isClassifier ? "accuracy" : "rmse")
        var report = MonitorReport(rows: stats.rows, labelled: stats.labelled.labelled, features: [], predictionPSI: nil, live: nil,
                                   estimatedAccuracy: nil, metric: metric, referenceValue: profile.testMetrics[metric], conditions: [])
        if stats.rows > 0 {
            for (i, reference) in profile.features.enumerated() where i < stats.features.count {
                let current = stats.features[i]
                let psi = (try? Drift.psi(reference: reference.histogram, current: current)) ?? 0
                let ks = (try? Drift.binnedKS(reference: reference.histogram, current: current)) ?? 0
                let statistic = policy.driftMethod == .psi ? psi : ks
                let level: Level = statistic >= policy.driftBreach ? .breach : statistic >= policy.driftWarn ? .warn : .ok
                let refTotal = reference.histogram.total
                report.features.append(FeatureDrift(
                    name: reference.name, psi: psi, ks: ks,
                    missingRate: Double(current.counts[current.bins.missingIndex]) / Double(stats.rows),
                    referenceMissingRate: refTotal == 0 ? 0 : Double(reference.histogram.counts[reference.bins.missingIndex]) / Double(refTotal),
                    unknownRate: Double(stats.unknown[i]) / Double(stats.rows), level: level))
            }
            report.predictionPSI = profile.prediction.total > 0 ? (try? Drift.psi(reference: profile.prediction, current: stats.prediction)) : nil
            if profile.calibration != nil { report.estimatedAccuracy = stats.calibratedSum / Double(stats.rows) }
        }
        report.live = stats.labelled.metric(metric)
        report.conditions = conditions(report, profile: profile, policy: policy)
        return report
    }

    private static func conditions(_ r: MonitorReport, profile: ReferenceProfile, policy: MonitorPolicy) -> [MonitorCondition] {
        var out: [MonitorCondition] = []
        let f = JSON.format
        if r.rows < policy.minSamples {
            out.append(MonitorCondition(kind: .insufficientData, reason: .tooFewRows,
                                        message: "\(r.rows) rows in the window; drift is judged from \(policy.minSamples) rows (monitor.minSamples)"))
        } else {
            let breached = r.breachedFeatures
            let share = r.features.isEmpty ? 0 : Double(breached.count) / Double(r.features.count)
            if !breached.isEmpty && share >= policy.driftShare {
                let stat = policy.driftMethod == .psi ? "PSI" : "binned KS"
                let detail = r.features.filter { $0.level == .breach }
                    .map { "\($0.name) (\(stat) \(f(rounded(policy.driftMethod == .psi ? $0.psi : $0.ks))))" }.joined(separator: ", ")
                out.append(MonitorCondition(kind: .drifted, reason: .featureDrift,
                                            message: "feature drift: \(detail) at or above \(f(policy.driftBreach)), \(breached.count) of \(r.features.count) features",
                                            features: breached))
            }
            if let p = r.predictionPSI, p >= policy.predictionBreach {
                out.append(MonitorCondition(kind: .drifted, reason: .predictionDrift,
                                            message: "prediction drift: PSI \(f(rounded(p))) at or above \(f(policy.predictionBreach)) against the test-split predictions"))
            }
            let missing = r.features.filter { $0.missingRate - $0.referenceMissingRate >= policy.missingIncrease }
            let unknown = r.features.filter { $0.unknownRate >= policy.unknownShare }
            if !missing.isEmpty || !unknown.isEmpty {
                var parts: [String] = missing.map { "\($0.name) missing in \(f(rounded($0.missingRate))) of rows (training \(f(rounded($0.referenceMissingRate))))" }
                parts += unknown.map { "\($0.name) has unseen categories in \(f(rounded($0.unknownRate))) of rows" }
                let names = profile.features.map(\.name).filter { n in missing.contains { $0.name == n } || unknown.contains { $0.name == n } }
                out.append(MonitorCondition(kind: .drifted, reason: .dataQuality, message: "data quality: " + parts.joined(separator: "; "), features: names))
            }
        }
        let lower = MonitorPolicy.lowerIsBetter(r.metric)
        if let live = r.live, live.labelled >= policy.minLabels {
            var degraded: [String] = []
            if let ref = r.referenceValue {
                let limit = lower ? ref * (1 + policy.maxDegradation) : ref - policy.maxDegradation
                let optimistic = lower ? (live.interval?.lowerBound ?? live.value) : (live.interval?.upperBound ?? live.value)
                if lower ? optimistic > limit : optimistic < limit {
                    degraded.append("live \(r.metric) \(f(rounded(live.value))) on \(live.labelled) labelled rows is \(lower ? "above" : "below") \(f(rounded(limit))) (test \(f(rounded(ref))), monitor.performance.maxDegradation \(f(policy.maxDegradation)))")
                }
            }
            if let floor = policy.floor {
                let optimistic = lower ? (live.interval?.lowerBound ?? live.value) : (live.interval?.upperBound ?? live.value)
                if lower ? optimistic > floor : optimistic < floor {
                    degraded.append("live \(r.metric) \(f(rounded(live.value))) is \(lower ? "above the gate's max" : "below the gate's min") \(f(floor))")
                }
            }
            if !degraded.isEmpty {
                out.append(MonitorCondition(kind: .degraded, reason: .livePerformance, message: degraded.joined(separator: "; ")))
            }
        } else {
            if let live = r.live {
                out.append(MonitorCondition(kind: .insufficientData, reason: .tooFewLabels,
                                            message: "\(live.labelled) labelled rows in the window; live performance is judged from \(policy.minLabels) (monitor.performance.minLabels)"))
            }
            if r.rows >= policy.minSamples, let estimate = r.estimatedAccuracy, let ref = profile.testMetrics["accuracy"],
               estimate < ref - policy.maxDegradation {
                out.append(MonitorCondition(kind: .degraded, reason: .estimatedPerformance,
                                            message: "estimated accuracy \(f(rounded(estimate))) (no labels; calibrated confidence) is below \(f(rounded(ref - policy.maxDegradation))) (test \(f(rounded(ref))))"))
            }
        }
        return out
    }

    /// Four significant decimals, for messages.
    static func rounded(_ x: Double) -> Double { (x * 10_000).rounded() / 10_000 }
}
