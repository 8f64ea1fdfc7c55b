import Foundation
import Metrics
import Synchronization
import SluiceReconcile

/// The controller's metrics, through swift-metrics: whichever backend the process bootstraps
/// (Prometheus for `sluice run`) receives them. Names follow Prometheus conventions.
public final class ControllerMetrics: Sendable {
    private let factory: any MetricsFactory
    private let cycles: Counter
    private let cycleFailures: Counter
    private let cycleDuration: Metrics.Timer
    private let lastCycle: Gauge
    private let leaseHeld: Gauge
    private let revision = Mutex<(String, Gauge)?>(nil)
    /// The monitor's gauges (``MonitorMetrics``), on the same factory.
    public let monitor: MonitorMetrics
    /// A replica's claims (``ReplicaMetrics``), on the same factory.
    public let replica: ReplicaMetrics
    private static let conditions: [Condition] = [.ready, .progressing, .failed, .rejected, .suspended, .retired, .blocked]

    /// - Parameter factory: where the metrics go; by default the process-wide `MetricsSystem`'s
    ///   (tests pass a factory of their own, so that nothing is bootstrapped).
    public init(factory: any MetricsFactory = MetricsSystem.factory) {
        self.factory = factory
        monitor = MonitorMetrics(factory: factory)
        replica = ReplicaMetrics(factory: factory)
        cycles = Counter(label: "sluice_cycles_total", factory: factory)
        cycleFailures = Counter(label: "sluice_cycle_errors_total", factory: factory)
        cycleDuration = Metrics.Timer(label: "sluice_cycle_duration_seconds", preferredDisplayUnit: .seconds, factory: factory)
        lastCycle = Gauge(label: "sluice_last_cycle_timestamp_seconds", factory: factory)
        leaseHeld = Gauge(label: "sluice_lease_held", factory: factory)
    }

    /// Records a finished cycle and what its report says happened.
    /// - Parameter at: when it finished (`sluice_last_cycle_timestamp_seconds`).
    public func cycle(duration: Duration, at: Date, report: ApplyReport?, revision: String?) {
        cycles.increment()
        cycleDuration.recordNanoseconds(duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
        lastCycle.record(at.timeIntervalSince1970)
        guard let report else {
            cycleFailures.increment()
            return
        }
        for outcome in report.outcomes {
            for action in outcome.actions {
                Counter(label: "sluice_actions_total", dimensions: [("kind", action.kind.rawValue), ("outcome", action.succeeded ? "succeeded" : "failed")], factory: factory).increment()
            }
            for passed in outcome.verdicts {
                Counter(label: "sluice_gate_verdicts_total", dimensions: [("verdict", passed ? "passed" : "failed")], factory: factory).increment()
            }
        }
        for condition in Self.conditions {
            Gauge(label: "sluice_models", dimensions: [("condition", condition.rawValue)], factory: factory)
                .record(report.outcomes.filter { $0.condition == condition }.count)
        }
        if let revision { applied(revision) }
    }

    /// Whether this process holds the store's writer lease.
    public func lease(held: Bool) { leaseHeld.record(held ? 1 : 0) }

    /// `sluice_last_applied_revision_info{revision="…"} 1`, the previous revision's series removed.
    private func applied(_ rev: String) {
        revision.withLock { current in
            if current?.0 == rev { return }
            current?.1.destroy()
            let gauge = Gauge(label: "sluice_last_applied_revision_info", dimensions: [("revision", rev)], factory: factory)
            gauge.record(1)
            current = (rev, gauge)
        }
    }
}
