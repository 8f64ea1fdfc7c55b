import Metrics
import struct Prometheus.PrometheusMetricsFactory
import class Prometheus.PrometheusCollectorRegistry
import Synchronization

/// The serving metrics, made by a factory of their own (not the process-wide `MetricsSystem`),
/// so that every server instance reports to its own registry:
///
/// - `sluice_inference_requests_total{model}`, `sluice_inference_errors_total{model,code}`
/// - `sluice_inference_duration_seconds{model}`: a histogram from 100 µs to 5 s
/// - `sluice_models_loaded`, `sluice_models_failing` (models whose latest files did not load):
///   gauges brought up to date on every scrape
///
/// Requests for a name that is not served are counted under `model="unknown"`, so that clients
/// cannot create series at will.
final class InferenceMetrics: Sendable {
    private struct Handles {
        let requests: Counter
        let duration: Metrics.Timer
    }
    private let factory: PrometheusMetricsFactory
    private let handles = Mutex([String: Handles]())
    private let errors = Mutex([String: Counter]())
    let modelsLoaded: Gauge
    let modelsFailing: Gauge

    init(registry: PrometheusCollectorRegistry) {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [.microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1),
                                                   .microseconds(2500), .milliseconds(5), .milliseconds(10), .milliseconds(25),
                                                   .milliseconds(50), .milliseconds(100), .milliseconds(250), .seconds(1), .seconds(5)]
        self.factory = factory
        modelsLoaded = Gauge(label: "sluice_models_loaded", factory: factory)
        modelsFailing = Gauge(label: "sluice_models_failing", factory: factory)
    }

    func record(model: String?, status: Int, since start: ContinuousClock.Instant) {
        let label = model ?? "unknown"
        let h = handles.withLock { all in
            if let h = all[label] { return h }
            let h = Handles(requests: Counter(label: "sluice_inference_requests_total", dimensions: [("model", label)], factory: factory),
                            duration: Metrics.Timer(label: "sluice_inference_duration_seconds", dimensions: [("model", label)], factory: factory))
            all[label] = h
            return h
        }
        h.requests.increment()
        let elapsed = start.duration(to: .now).components
        h.duration.recordNanoseconds(elapsed.seconds * 1_000_000_000 + elapsed.attoseconds / 1_000_000_000)
        if status >= 400 {
            let key = "\(label) \(status)"
            errors.withLock { all in
                if all[key] == nil {
                    all[key] = Counter(label: "sluice_inference_errors_total", dimensions: [("model", label), ("code", String(status))], factory: factory)
                }
                return all[key]!
            }.increment()
        }
    }
}
