import Foundation
import Logging
import SluiceCore
import SluiceReconcile
import SluiceSystem

/// The work loop of a replica (``Controller/queue``): beside the leader's cycles (run by whichever
/// replica holds the store's writer lease), every replica claims models from the queue and carries
/// them out.
extension Controller {
    /// Who this replica is, in the queue and in `status`: its host and process.
    public var replicaName: String { "\(LeaseHolder.hostName) pid \(getpid())" }

    /// Claims up to ``Options/concurrency`` models at a time and carries them out, until stopped.
    /// With nothing to claim it waits for the leader's notification, or 2 s (±20%) at most; when
    /// the store cannot be reached it says so once, reports not ready, and tries again after 1, 2,
    /// 4 … 16 s.
    func workWhileRunning(_ queue: any WorkQueue) async {
        state.withLock { $0.replica = true }
        let stopListening = queue.listen { [weak self] signal in
            guard let self else { return }
            switch signal {
            case .work: workWakeups.signal()
            case .cycle(let reason): if state.withLock({ $0.holdsLease }) { trigger(reason) }
            }
        }
        defer { stopListening() }
        var failures = 0
        while !isStopping {
            do {
                let claims = try await WorkThread.run("sluice.claim") { [self] in
                    try queue.claim(limit: options.concurrency, holder: replicaName, lease: options.claimLease, retry: options.retry)
                }
                if failures > 0 { logger.notice("the store's work queue is reachable again", metadata: ["failures": "\(failures)"]) }
                failures = 0
                state.withLock { s in
                    s.polled = true
                    s.storeError = nil
                }
                if claims.isEmpty {
                    _ = await workWakeups.wait(until: .now + .milliseconds(Int(2000 * Double.random(in: 0.8...1.2))))
                    continue
                }
                try await WorkThread.run("sluice.worker") { [self] in work(on: claims, queue) }
            } catch is WorkAbandoned {
                return
            } catch {
                failures += 1
                let message = Redaction.text("\(error)")
                state.withLock { $0.storeError = message }
                metrics.replica.storeError()
                let delay = min(16, 1 << min(failures - 1, 4))
                if failures == 1 {
                    logger.error("cannot reach the store's work queue; not ready, trying again with backoff", metadata: ["error": "\(message)"])
                } else {
                    logger.debug("the store's work queue is still unreachable", metadata: ["error": "\(message)", "retry.seconds": "\(delay)"])
                }
                _ = await workWakeups.wait(until: .now + .seconds(delay))
            }
        }
    }

    /// Carries out claimed models: brings the source up to date, snapshots (observing only these
    /// models' targets), plans, applies the plan's items for these models under their claims, and
    /// finishes each claim (a failure with its backoff). Claims lost meanwhile are left alone:
    /// their writes were refused, and another replica takes the models over.
    func work(on claims: [WorkClaim], _ queue: any WorkQueue) {
        let start = ContinuousClock.now
        let models = Set(claims.map(\.model))
        var log = logger
        log[metadataKey: "claims"] = "\(claims.map { "\($0.model)#\($0.fence)" }.joined(separator: " "))"
        for c in claims {
            if let previous = c.takenOverFrom {
                log.notice("took a model over from a replica whose claim ran out", metadata: ["model.name": "\(c.model)", "from": "\(previous)"])
                metrics.replica.takeover()
            }
        }
        metrics.replica.claimed(claims.count)
        state.withLock { $0.claimed = claims.map(\.model) }
        let holding = ClaimHolding(queue: queue, claims: claims, lease: options.claimLease) { [metrics, log] reason in
            metrics.replica.lost()
            log.critical("lost a claim; stopping the work on the claimed models, whose writes are refused from now on", metadata: ["reason": "\(reason)"])
        }
        defer {
            holding.stop()
            state.withLock { $0.claimed = [] }
            metrics.replica.claimed(0)
        }
        do {
            var syncError: (any Error)?
            let (reconciler, snapshot) = try sourceLock.withLock { _ throws -> (Reconciler, Reconciler.Snapshot) in
                // Never older than the plan the models were queued by: the source is brought up to
                // date unless this process's checkout is at the revision they were planned at.
                if Set(claims.map(\.revision)) != [checkoutRevision.withLock { $0 }] {
                    do { try source.sync() } catch {
                        guard source.isAvailable else { throw error }
                        syncError = error
                    }
                }
                let r = self.reconciler(log)
                let snapshot = try r.snapshot(targetsOf: models)
                checkoutRevision.withLock { $0 = snapshot.revision }
                return (r, snapshot)
            }
            // A source that cannot be brought up to date: the models planned at another revision than
            // the checkout's go back to the queue once the batch ends, not charged (the source
            // failed, not the model).
            let stale = syncError == nil ? [] : claims.filter { $0.revision != snapshot.revision }
            if let syncError, !stale.isEmpty {
                log.warning("cannot bring the source up to date to the revision the models were planned at; leaving them to the queue",
                            metadata: ["models": "\(stale.map(\.model).joined(separator: " "))", "error": "\(Redaction.text("\(syncError)"))"])
            }
            let claims = claims.filter { c in !stale.contains(c) }
            let models = Set(claims.map(\.model))
            let planned = reconciler.plan(snapshot)
            let plan = Plan(items: planned.items.filter { models.contains($0.model) }, warnings: [])
            let report = reconciler.apply(plan, snapshot, cancellation: cancellation, lease: holding)
            // The heartbeat stops before the claims end: a renewal of a claim just finished would read as a loss.
            holding.stop()
            try? queue.release(stale)
            if holding.isLost {
                // The claims not lost go back to the queue at once (a lost one's token no longer matches).
                try? queue.release(claims)
                return
            }
            if isStopping {
                // Stopped part-way: the models go back to the queue, not charged with a failure.
                try? queue.release(claims)
                return
            }
            let failed = Dictionary(report.failed.map { ($0.model, $0.message) }, uniquingKeysWith: { a, _ in a })
            for c in claims {
                let failure = failed[c.model].map { WorkFailure(message: $0, retryAfter: options.retry.delay(afterFailures: c.failures + 1)) }
                do { try queue.finish(c, failure: failure) } catch {
                    log.error("cannot finish the work on a model", metadata: ["model.name": "\(c.model)", "error": "\(error)"])
                }
                metrics.replica.finished(failed: failure != nil)
            }
            for o in report.outcomes {
                for line in o.done { log.notice("\(line)", metadata: ["model.name": "\(o.model)"]) }
                if let message = failed[o.model] { log.error("model failed", metadata: ["model.name": "\(o.model)", "error": "\(message)"]) }
            }
            log.info("claimed work done", metadata: [
                "seconds": "\(String(format: "%.3f", (ContinuousClock.now - start).seconds))", "models": "\(claims.count)",
                "failed": "\(failed.count)"])
        } catch {
            holding.stop()
            guard !holding.isLost else {
                try? queue.release(claims)
                return
            }
            let message = Redaction.text("\(error)")
            log.error("cannot work on the claimed models", metadata: ["error": "\(message)"])
            for c in claims {
                try? queue.finish(c, failure: WorkFailure(message: message, retryAfter: options.retry.delay(afterFailures: c.failures + 1)))
                metrics.replica.finished(failed: true)
            }
        }
    }
}
