import Metrics
import struct Prometheus.PrometheusMetricsFactory
import class Prometheus.PrometheusCollectorRegistry
import SluiceServe
import Synchronization

/// The monitor's metrics, in the server's registry:
///
/// - `sluice_monitor_dropped_total{model}`: rows not recorded because the monitor's queue was full
/// - `sluice_monitor_duplicate_rows_total{model}`: sampled rows not logged because their request id and row
///   were logged before (the first stays; request ids must be unique for labels to join)
/// - `sluice_monitor_queue_depth`: rows waiting for the monitor's writer
/// - `sluice_monitor_flush_seconds`: how long each store of the monitor's buckets and rows took
///
/// The recorder counts drops itself (on the request path, under the lock it already holds); they are
/// brought into the registry on every scrape, with the durations of the stores since the last one.
final class MonitorMetrics: Sendable {
    private let factory: PrometheusMetricsFactory
    private let dropped = Mutex([String: (counter: Counter, reported: Int)]())
    private let duplicates = Mutex([String: (counter: Counter, reported: Int)]())
    let queueDepth: Gauge
    let flushSeconds: Metrics.Timer

    init(registry: PrometheusCollectorRegistry) {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [.microseconds(100), .microseconds(500), .milliseconds(1), .milliseconds(5),
                                                   .milliseconds(10), .milliseconds(50), .milliseconds(100), .milliseconds(500),
                                                   .seconds(1), .seconds(5)]
        self.factory = factory
        queueDepth = Gauge(label: "sluice_monitor_queue_depth", factory: factory)
        flushSeconds = Metrics.Timer(label: "sluice_monitor_flush_seconds", factory: factory)
    }

    /// Brings the drop counters and the queue depth up to date with the recorder.
    func update(from monitor: MonitorRecorder) {
        queueDepth.record(monitor.queueDepth)
        for seconds in monitor.takeFlushDurations() { flushSeconds.recordNanoseconds(Int64(seconds * 1e9)) }
        report(monitor.droppedRows, as: "sluice_monitor_dropped_total", in: dropped)
        report(monitor.duplicateRows, as: "sluice_monitor_duplicate_rows_total", in: duplicates)
    }

    /// Brings per-model counters `label` up to the recorder's running `counts`.
    private func report(_ counts: [String: Int], as label: String, in counters: borrowing Mutex<[String: (counter: Counter, reported: Int)]>) {
        counters.withLock { all in
            for (model, count) in counts {
                let entry = all[model] ?? (Counter(label: label, dimensions: [("model", model)], factory: factory), 0)
                if count > entry.reported { entry.counter.increment(by: count - entry.reported) }
                all[model] = (entry.counter, count)
            }
        }
    }
}
