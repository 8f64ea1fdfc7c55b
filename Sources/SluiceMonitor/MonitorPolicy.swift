/// The thresholds a window of live statistics is judged by (a manifest's `spec.monitor`, defaults filled in).
///
/// The defaults, and why (measured tables in docs/monitoring.md): with no drift, PSI's 95th percentile at
/// 500 rows is about 0.035, so warning at 0.1 and breaching at 0.2 only from 500 rows rarely fires on
/// noise, while a 0.55σ mean shift breaches in 99 % of windows of 2,000 rows.
public struct MonitorPolicy: Equatable, Sendable {
    /// The drift statistic compared with the thresholds.
    public enum DriftMethod: String, Sendable, CaseIterable {
        /// The population stability index (``Drift/psi(reference:current:)-(Histogram,Histogram)``).
        case psi
        /// The binned Kolmogorov–Smirnov statistic (``Drift/binnedKS(reference:current:)-(Histogram,Histogram)``).
        case ks
    }

    /// Rows a window needs before drift is judged (fewer: `InsufficientData`). Default 500.
    public var minSamples: Int = 500
    /// The drift statistic. Default PSI.
    public var driftMethod: DriftMethod = .psi
    /// A feature at or above this value is reported as a warning. Default 0.1.
    public var driftWarn: Double = 0.1
    /// A feature at or above this value is in breach. Default 0.2.
    public var driftBreach: Double = 0.2
    /// The share of features in breach that makes the model `Drifted` (at least one feature). Default 0.5,
    /// Evidently's `drift_share`.
    public var driftShare: Double = 0.5
    /// Prediction drift (PSI of the prediction histogram) at or above this value makes the model `Drifted`. Default 0.2.
    public var predictionBreach: Double = 0.2
    /// A feature whose missing rate rose by at least this much (absolute) over training makes the model
    /// `Drifted` (data quality). Default 0.1.
    public var missingIncrease: Double = 0.1
    /// A feature whose share of categories never seen in training reaches this makes the model `Drifted`
    /// (data quality). Default 0.1, SageMaker's `domain_content_threshold`.
    public var unknownShare: Double = 0.1
    /// Labelled rows a window needs before live performance is judged. Default 200.
    public var minLabels: Int = 200
    /// How far live (or estimated) performance may fall below the test-split value before the model is
    /// `Degraded`: absolute for metrics from 0 to 1 (accuracy, F1, R²…), relative for errors (RMSE, MAE:
    /// 0.05 means 5 % worse). Default 0.05.
    public var maxDegradation: Double = 0.05
    /// The metric watched; `nil`: accuracy for a classifier, RMSE for a regressor (the controller passes the
    /// gate's first metric).
    public var metric: String?
    /// A floor for the watched metric (the gate's `min` for it): live performance whose interval lies
    /// entirely below it is `Degraded` too.
    public var floor: Double?

    /// The default policy.
    public init() {}

    /// Whether smaller values of `metric` are better (errors and losses).
    public static func lowerIsBetter(_ metric: String) -> Bool { ["rmse", "mae", "log_loss"].contains(metric) }
}
