import Metrics
import Synchronization
import SluiceMonitor
import SluiceReconcile

/// The monitor's gauges, per model, through swift-metrics (Prometheus for `sluice run`'s `/metrics`):
///
/// - `sluice_feature_psi{model,feature}`: each feature's PSI against its training histogram;
/// - `sluice_live_metric{model,metric}`: the watched metric on the window's labelled rows;
/// - `sluice_estimated_metric{model,metric}`: the label-free accuracy estimate (classifiers);
/// - `sluice_monitor_condition{model,type,reason}`: 1 while the condition holds, else 0, for every
///   type and reason; `sluice_monitor_breach{model,type,reason}` the same for breaches;
/// - `sluice_monitor_up{model}`: 1 when the last check judged the model, 0 when it could not.
///
/// A series that no longer applies (a feature of a version that left service, a live metric
/// without labels) is removed rather than left at its last value.
public final class MonitorMetrics: Sendable {
    private let factory: any MetricsFactory
    /// The series each model has, by label text.
    private let series = Mutex<[String: [String: Gauge]]>([:])

    /// Every (type, reason) pair a condition can have.
    static let pairs: [(MonitorCondition.Kind, MonitorCondition.Reason)] = [
        (.drifted, .featureDrift), (.drifted, .predictionDrift), (.drifted, .dataQuality),
        (.degraded, .livePerformance), (.degraded, .estimatedPerformance),
        (.insufficientData, .tooFewRows), (.insufficientData, .tooFewLabels),
    ]

    /// - Parameter factory: where the gauges go (tests pass a registry of their own).
    public init(factory: any MetricsFactory = MetricsSystem.factory) {
        self.factory = factory
    }

    /// Records a model's gauges after a check: the report's figures when it judged the model
    /// (`report` non-nil), and the conditions of `state`.
    func record(model: String, report: MonitorReport?, state: MonitorState) {
        var values: [(String, [(String, String)], Double)] = [("sluice_monitor_up", [("model", model)], report == nil && state.problem != nil ? 0 : 1)]
        if let report {
            for f in report.features { values.append(("sluice_feature_psi", [("model", model), ("feature", f.name)], f.psi)) }
            if let live = report.live { values.append(("sluice_live_metric", [("model", model), ("metric", live.name)], live.value)) }
            if let estimate = report.estimatedAccuracy { values.append(("sluice_estimated_metric", [("model", model), ("metric", "accuracy")], estimate)) }
        }
        for (kind, reason) in Self.pairs {
            let labels = [("model", model), ("type", kind.rawValue), ("reason", reason.rawValue)]
            let held = state.conditions.first { $0.condition.kind == kind && $0.condition.reason == reason }
            values.append(("sluice_monitor_condition", labels, held == nil ? 0 : 1))
            if kind != .insufficientData { values.append(("sluice_monitor_breach", labels, held?.breached == true ? 1 : 0)) }
        }
        // Without a report the figures of the last one stay (the conditions have not changed either).
        let keepFigures = report == nil
        series.withLock { all in
            var old = all[model] ?? [:]
            var new: [String: Gauge] = [:]
            for (label, dimensions, value) in values {
                let key = label + dimensions.map { "\($0.0)=\($0.1)" }.joined(separator: ",")
                let gauge = old.removeValue(forKey: key) ?? Gauge(label: label, dimensions: dimensions, factory: factory)
                gauge.record(value)
                new[key] = gauge
            }
            for (key, gauge) in old {
                if keepFigures { new[key] = gauge } else { gauge.destroy() }
            }
            all[model] = new
        }
    }

    /// Removes a model's series (it is no longer monitored).
    func remove(model: String) {
        series.withLock { all in
            for gauge in (all.removeValue(forKey: model) ?? [:]).values { gauge.destroy() }
        }
    }

    /// The models that have series.
    var models: Set<String> { series.withLock { Set($0.keys) } }
}
