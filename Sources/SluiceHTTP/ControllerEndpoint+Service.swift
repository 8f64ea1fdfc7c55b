import Logging
import Metrics
import Prometheus
import ServiceLifecycle
import SluiceController
import Synchronization

extension ControllerEndpoint {
    /// Where `sluice run`'s metrics go: swift-metrics' process-wide `MetricsSystem`, bootstrapped
    /// to a Prometheus registry that `GET /metrics` reads.
    public struct MetricsRegistry: Sendable {
        let registry: PrometheusCollectorRegistry

        /// Bootstraps the process's `MetricsSystem` to a new registry, with cycle-duration buckets
        /// from 10 ms to 5 min. Call it once per process (a second bootstrap traps), before making
        /// the ``Controller``: its ``ControllerMetrics`` go through `MetricsSystem`.
        public static func bootstrap() -> MetricsRegistry {
            let registry = PrometheusCollectorRegistry()
            var factory = PrometheusMetricsFactory(registry: registry)
            factory.defaultDurationHistogramBuckets = [.milliseconds(10), .milliseconds(50), .milliseconds(100), .milliseconds(250),
                                                       .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10),
                                                       .seconds(30), .seconds(60), .seconds(300)]
            MetricsSystem.bootstrap(factory)
            return MetricsRegistry(registry: registry)
        }
    }

    /// The endpoint could not listen (a port in use, an unknown host).
    public struct ListenError: Error, CustomStringConvertible {
        /// `HOST:PORT`.
        public var address: String
        /// The bind error.
        public var error: any Error
        public var description: String { "cannot listen on \(address): \(error)" }
    }

    /// The endpoint as a swift-service-lifecycle `Service`, to run in the controller's
    /// `ServiceGroup`: on the group's graceful shutdown it stops accepting connections, lets the
    /// requests under way finish, and returns.
    /// - Parameters:
    ///   - token: the bearer token `POST /reconcile` and the UI's "Reconcile now" need; `nil` for none.
    ///   - onRunning: called with the bound port once it listens (port 0 picks one).
    /// - Returns: a service whose `run()` throws ``ListenError`` when it cannot listen.
    public static func service(controller: Controller, metrics: MetricsRegistry, host: String, port: Int, token: String? = nil, logger: Logger,
                               onRunning: @escaping @Sendable (Int) async -> Void) -> any Service {
        let listening = Listening()
        let app = application(controller: controller, registry: metrics.registry, host: host, port: port, token: token, logger: logger) { bound in
            listening.began.store(true, ordering: .releasing)
            await onRunning(bound)
        }
        return ClosureService {
            do { try await app.run() } catch where !listening.began.load(ordering: .acquiring) {
                throw ListenError(address: "\(host):\(port)", error: error)
            }
        }
    }

    /// Whether the server came to listen.
    private final class Listening: Sendable {
        let began = Atomic<Bool>(false)
    }
}
