import Metrics

/// A replica's share of the work (``Controller/queue``), for `/metrics`: every replica exports
/// its own figures; sum them over the replicas for the whole. Whether a replica leads is
/// `sluice_lease_held`.
public final class ReplicaMetrics: Sendable {
    private let claims: Counter
    private let held: Gauge
    private let takeovers: Counter
    private let lostClaims: Counter
    private let succeeded: Counter
    private let failed: Counter
    private let storeErrors: Counter

    init(factory: any MetricsFactory) {
        claims = Counter(label: "sluice_claims_total", factory: factory)
        held = Gauge(label: "sluice_claims_held", factory: factory)
        takeovers = Counter(label: "sluice_claim_takeovers_total", factory: factory)
        lostClaims = Counter(label: "sluice_claims_lost_total", factory: factory)
        succeeded = Counter(label: "sluice_claims_finished_total", dimensions: [("result", "succeeded")], factory: factory)
        failed = Counter(label: "sluice_claims_finished_total", dimensions: [("result", "failed")], factory: factory)
        storeErrors = Counter(label: "sluice_work_queue_errors_total", factory: factory)
    }

    /// Models claimed now: counted, and held until ``claimed(_:)`` with 0.
    func claimed(_ n: Int) {
        if n > 0 { claims.increment(by: n) }
        held.record(n)
    }

    /// A claim took over a model whose previous claim had run out.
    func takeover() { takeovers.increment() }
    /// A claim ran out while this replica worked on it.
    func lost() { lostClaims.increment() }
    func finished(failed isFailure: Bool) { (isFailure ? failed : succeeded).increment() }
    /// The work queue could not be reached.
    func storeError() { storeErrors.increment() }
}
