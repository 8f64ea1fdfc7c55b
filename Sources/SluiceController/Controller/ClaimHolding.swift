import Foundation
import Synchronization

/// A replica's claims on the models it works on at once (``WorkQueue/claim(limit:holder:lease:)``),
/// renewed on a heartbeat thread every third of the lease until ``stop()``, and the fence of
/// every write about those models while it lasts (``WorkQueue/fence(model:token:)``).
///
/// The claims share one fate: when one is lost (the replica failed to renew it in time, because
/// it was paused, partitioned or starved), the work on all of them stops and writes nothing more;
/// the others are given back at the end for any replica to claim again.
final class ClaimHolding: Holding {
    let queue: any WorkQueue
    let claims: [WorkClaim]
    let lease: Duration
    private let state = Mutex<(lost: String?, stopped: Bool)>((nil, false))
    private let beats = DispatchSemaphore(value: 0)
    private let onLost: @Sendable (String) -> Void

    /// Fences the claimed models and starts the heartbeat.
    /// - Parameter onLost: called once, when a claim is found lost.
    init(queue: any WorkQueue, claims: [WorkClaim], lease: Duration, onLost: @escaping @Sendable (String) -> Void) {
        self.queue = queue
        self.claims = claims
        self.lease = lease
        self.onLost = onLost
        for c in claims { queue.fence(model: c.model, token: c.token) }
        let thread = Thread { [self] in heartbeat() }
        thread.name = "sluice.claims"
        thread.start()
    }

    var lostReason: String? { state.withLock { $0.lost } }

    func confirm() throws {
        if let lost = lostReason { throw StoreError(lost) }
        try renew()
        if let lost = lostReason { throw StoreError(lost) }
    }

    /// Renews every claim; notes a loss when one was not renewed.
    private func renew() throws {
        let held = try queue.renew(claims, lease: lease)
        // Once stopped, the claims are being finished or released: a token gone is not a loss.
        guard !state.withLock({ $0.stopped }), let missing = claims.first(where: { !held.contains($0.token) }) else { return }
        let reason = WorkClaim.lostMessage(missing.model)
        let first = state.withLock { s in
            defer { if s.lost == nil { s.lost = reason } }
            return s.lost == nil
        }
        if first { onLost(reason) }
    }

    private func heartbeat() {
        while beats.wait(timeout: .now() + lease.seconds / 3) == .timedOut {
            if state.withLock({ $0.stopped || $0.lost != nil }) { return }
            // A transient store error: try again at the next beat; the lease lasts three beats.
            try? renew()
        }
    }

    /// Stops the heartbeat and lifts the fences (the claims themselves are finished or released by the caller).
    func stop() {
        let first = state.withLock { s in
            defer { s.stopped = true }
            return !s.stopped
        }
        guard first else { return }
        beats.signal()
        for c in claims { queue.fence(model: c.model, token: nil) }
    }
}
