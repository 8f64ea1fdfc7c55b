import Foundation
import HTTPTypes
import Logging
import Prometheus
import Testing
import SluiceController
import SluiceHTTP
import SluiceTesting

/// The controller's HTTP endpoint (`sluice run --listen`), in process: its router over a real
/// controller (a scratch repository, an in-memory store) whose cycles the test runs itself.
@Suite struct ControllerEndpointTests {
    struct Endpoint {
        let repository: ScratchRepository
        let store = InMemoryStore()
        let clock = FixedClock()
        let controller: Controller
        let client: InProcessClient

        /// The source, when it is a fake one.
        let fake: FakeSource?

        /// - Parameters:
        ///   - failingSource: whether the manifests come from a source that cannot be reached.
        ///   - token: the bearer token `POST /reconcile` needs (`sluice run --token-env`).
        ///   - loopback: served on a loopback address (the DNS-rebinding check on).
        init(failingSource: Bool = false, token: String? = nil, loopback: Bool = false) throws {
            repository = try ScratchRepository()
            fake = failingSource ? FakeSource(root: repository.root, failure: "connection refused") : nil
            let registry = PrometheusCollectorRegistry()
            var options = Controller.Options()
            options.concurrency = 1
            controller = Controller(options: options, source: fake ?? DirectorySource(root: repository.root, manifests: "manifests"), store: store,
                                    root: repository.root, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }),
                                    metrics: ControllerMetrics(factory: PrometheusMetricsFactory(registry: registry)), clock: clock)
            client = InProcessClient(router: ControllerEndpoint.router(controller: controller, registry: registry, token: token, loopback: loopback))
        }

        func lease() throws -> WriterLease {
            try WriterLease.acquire(store: store, command: "test", duration: .seconds(30), timeout: .zero, heartbeat: false, clock: clock)
        }
    }

    @Test func healthzIsOKWhileTheControllerRuns() async throws {
        let e = try Endpoint()
        let r = try await e.client.get("/healthz")
        #expect(r.status == 200)
        #expect(r.text == "ok\n")
        #expect(r.headers[.contentType] == "text/plain; charset=utf-8")
    }

    @Test func readyzNeedsTheLeaseAndACycleUnderIt() async throws {
        let e = try Endpoint()
        var r = try await e.client.get("/readyz")
        #expect(r.status == 503)
        #expect(r.text == "not ready: waiting for the store's writer lease\n")

        // A cycle without the lease (a standby cannot run one, but say it did) does not make it ready.
        e.controller.cycle(reason: .start)
        r = try await e.client.get("/readyz")
        #expect(r.status == 503)
        #expect(r.text == "not ready: waiting for the store's writer lease\n")

        let lease = try e.lease()
        defer { lease.release() }
        e.controller.cycle(reason: .interval, lease: lease)
        r = try await e.client.get("/readyz")
        #expect(r.status == 200)
        #expect(r.text == "ready: 2 cycles, revision none\n")

        // The lease expires (by the clock) and another process takes it over: not ready, and why.
        e.clock.advance(31)
        let other = LeaseHolder(token: "other", pid: 1, host: "another-host", command: "sluice run",
                                acquiredAt: e.clock.now, expiresAt: e.clock.now.addingTimeInterval(30))
        #expect(try e.store.claimLease(other, now: e.clock.now) == nil)
        try e.repository.write("manifests/tree.json", ScratchRepository.manifest(name: "tree"))
        e.controller.cycle(reason: .interval, lease: lease)
        r = try await e.client.get("/readyz")
        #expect(r.status == 503)
        #expect(r.text.hasPrefix("not ready: this process lost the store's writer lease (taken over by pid 1 on another-host"), "\(r.text)")
        #expect(r.text.hasSuffix("; waiting to take the lease again\n"), "\(r.text)")
    }

    @Test func readyzSaysWhenTheLastCycleFailed() async throws {
        let e = try Endpoint(failingSource: true)
        let lease = try e.lease()
        defer { lease.release() }
        e.controller.cycle(reason: .start, lease: lease)
        var r = try await e.client.get("/readyz")
        #expect(r.status == 503)
        #expect(r.text == "not ready: the last cycle failed: connection refused; retrying in 5 s\n")

        e.fake?.fail(nil)
        e.controller.cycle(reason: .triggered("POST /reconcile"), lease: lease)
        r = try await e.client.get("/readyz")
        #expect(r.status == 200)
        #expect(r.text == "ready: 1 cycles, revision none\n")
    }

    @Test func metricsExposeTheCyclesSeries() async throws {
        let e = try Endpoint()
        let lease = try e.lease()
        defer { lease.release() }
        e.controller.cycle(reason: .start, lease: lease)
        let r = try await e.client.get("/metrics")
        #expect(r.status == 200)
        #expect(r.headers[.contentType] == "text/plain; version=0.0.4; charset=utf-8")
        let lines = Set(r.text.split(separator: "\n").map(String.init))
        #expect(lines.contains("sluice_cycles_total 1"), "\(r.text)")
        #expect(lines.contains(#"sluice_models{condition="ready"} 1.0"#), "\(r.text)")
        #expect(lines.contains(#"sluice_actions_total{kind="train",outcome="succeeded"} 1"#), "\(r.text)")
        #expect(lines.contains(#"sluice_actions_total{kind="publish",outcome="succeeded"} 1"#), "\(r.text)")
        #expect(lines.contains(#"sluice_gate_verdicts_total{verdict="passed"} 1"#), "\(r.text)")
        #expect(lines.contains("sluice_cycle_duration_seconds_count 1"), "\(r.text)")
        #expect(lines.contains("sluice_cycle_errors_total 0"), "\(r.text)")
        #expect(lines.contains("sluice_last_cycle_timestamp_seconds \(e.clock.now.timeIntervalSince1970)"), "by the controller's clock: \(r.text)")
    }

    @Test func postReconcileStartsACycle() async throws {
        let e = try Endpoint()
        #expect(e.controller.pendingTrigger == nil)
        let r = try await e.client.request(.post, "/reconcile")
        #expect(r.status == 202)
        #expect(r.text == "a cycle starts now\n")
        #expect(e.controller.pendingTrigger == "POST /reconcile")
    }

    /// A known path asked with another method is 405 with `Allow`, not 404 (found by this test).
    @Test(arguments: [HTTPRequest.Method.get, .put, .delete])
    func otherMethodsOfReconcileAreNotAllowed(method: HTTPRequest.Method) async throws {
        let e = try Endpoint()
        let r = try await e.client.request(method, "/reconcile")
        #expect(r.status == 405)
        #expect(r.headers[.allow] == "POST")
        #expect(r.text == "\(method) is not allowed on /reconcile; use POST\n")
        #expect(e.controller.pendingTrigger == nil)
    }

    @Test(arguments: ["/", "/reconcile/now", "/v2/health/ready", "/metricz"])
    func unknownPathsAreNotFound(path: String) async throws {
        let e = try Endpoint()
        let r = try await e.client.get(path)
        #expect(r.status == 404)
        #expect(r.text == "no route GET \(path); this endpoint has GET /healthz, GET /readyz, GET /metrics, POST /reconcile, GET /ui (the web UI)\n")
    }
}
