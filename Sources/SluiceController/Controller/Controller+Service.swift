import Foundation
import Logging
import ServiceLifecycle
import SluiceSystem

/// The controller's loop, as a swift-service-lifecycle `Service`: `sluice run` runs it in a
/// `ServiceGroup` beside the HTTP endpoint. Waiting (for the lease, for the next cycle, for a
/// trigger) suspends the task; the cycles themselves, and the blocking store calls that take the
/// lease, run on threads of their own (``WorkThread``).
extension Controller: Service {
    /// Starts a cycle now (or as soon as the one under way ends). A replica that does not lead
    /// passes it on to the one that does, through the store.
    public func trigger(_ reason: String) {
        pending.withLock { $0 = $0 ?? reason }
        wakeups.signal()
        if let queue, !state.withLock({ $0.holdsLease }) {
            // Off the caller's thread (an HTTP handler on the cooperative pool): libpq blocks.
            let relayed = "\(reason) on \(replicaName)"
            DispatchQueue.global().async { [logger] in
                do { try queue.requestCycle(relayed) } catch {
                    logger.warning("cannot pass the request for a cycle on to the leader", metadata: ["reason": "\(reason)", "error": "\(error)"])
                }
            }
        }
    }

    /// Whether ``trigger(_:)`` starts the cycle here (this controller leads, or works alone) rather than
    /// passing it on to the replica that leads.
    public var cyclesHere: Bool { queue == nil || state.withLock { $0.holdsLease } }

    /// Asks the controller to stop: no new work, training abandoned, publishes finished. The
    /// graceful shutdown of the controller's `ServiceGroup` calls it.
    public func stop() {
        cancellation.cancel()
        wakeups.signal()
        workWakeups.signal()
        stopRequests.continuation.finish()
    }

    /// Whether ``stop()`` was called: `/healthz` answers 503 from then on.
    public var isStopping: Bool { cancellation.isCancelled }

    /// Runs cycles until graceful shutdown or ``stop()``, then releases the lease and returns. A
    /// lost lease is taken again (with a new token) once its new holder lets it go.
    ///
    /// Work under way that has not ended ``Options/shutdownTimeout`` after the stop is given up:
    /// the cycle's thread goes on, abandoned (the process is about to exit), and `run()` throws.
    /// Cancelling the task stops the controller the same way, without waiting.
    /// - Throws: when the store cannot be read while waiting for the lease; ``WorkAbandoned``
    ///   when a cycle (or an attempt to take the lease) was under way at the shutdown timeout or
    ///   at cancellation.
    public func run() async throws {
        logger.info("controller starting", metadata: ["source": "\(source.description)", "interval": "\(options.interval)"])
        if source is DirectorySource {
            watcher.withLock { $0 = FileWatcher { [weak self] in self?.trigger("a watched file changed") } }
        }
        defer { watcher.withLock { $0?.stop() } }
        try await withTaskCancellationHandler {
            try await withGracefulShutdownHandler {
                try await withThrowingTaskGroup(of: Bool.self) { group in
                    group.addTask { try await self.reconcileWhileRunning(); return true }
                    group.addTask { try await self.giveUpAfterShutdownTimeout(); return false }
                    group.addTask { await self.monitorWhileRunning(); return false }
                    // A replica's work loop ends like the cycles' (its claims released), before the group does.
                    var loops = 1
                    if let queue = self.queue {
                        loops += 1
                        group.addTask { await self.workWhileRunning(queue); return true }
                    }
                    // Until the loops end; the timeout's WorkAbandoned cancels them (leaving the group).
                    while let loopEnded = try await group.next() {
                        if loopEnded { loops -= 1 }
                        if loops == 0 { group.cancelAll() }
                    }
                }
            } onGracefulShutdown: { [self] in
                stop()
            }
        } onCancel: { [self] in
            stop()
        }
        logger.info("controller stopped; lease released")
    }

    /// Checks the monitored models that are due, once a second, while this process holds the
    /// writer lease: beside the cycles, on a thread of its own, so that a slow server never delays
    /// a reconcile. Returns when the controller stops or the task is cancelled.
    private func monitorWhileRunning() async {
        while !isStopping {
            if state.withLock({ $0.holdsLease }), monitoring.anyDue {
                let revision = state.withLock { $0.lastRevision }
                _ = try? await WorkThread.run("sluice.monitor") { [monitoring] in monitoring.checkDue(revision: revision) }
            }
            guard (try? await Task.sleep(for: .seconds(1))) != nil else { return }
        }
    }

    /// Throws ``WorkAbandoned`` once ``Options/shutdownTimeout`` has passed since ``stop()``;
    /// returns when cancelled first (the loop ended, or the task was cancelled).
    private func giveUpAfterShutdownTimeout() async throws {
        for await _ in stopRequests.stream {}
        guard (try? await Task.sleep(for: options.shutdownTimeout)) != nil else { return }
        throw WorkAbandoned()
    }

    /// Takes the lease, holds it for cycles, and takes it again when it is lost, until stopped.
    private func reconcileWhileRunning() async throws {
        var reason = CycleReason.start
        while !isStopping {
            guard let lease = try await acquireLease() else { return }
            reason = try await hold(lease, reason: reason)
            // Given up even when cancelled: a SQLite write, which may wait for a busy store.
            try await WorkThread.run("sluice.lease", abandonOnCancel: false) { lease.release() }
            state.withLock { $0.holdsLease = false }
            metrics.lease(held: false)
        }
    }

    /// Runs cycles under one holding of the lease until the controller stops or the lease is lost.
    /// - Returns: why the next cycle (under the next holding) runs.
    private func hold(_ lease: WriterLease, reason first: CycleReason) async throws -> CycleReason {
        var reason = first
        while !isStopping {
            if lease.isLost { return .leaseRetaken }
            let why = reason
            try await WorkThread.run("sluice.controller") { [self] in cycle(reason: why, lease: lease) }
            if lease.isLost { return .leaseRetaken }
            guard let next = await waitForNextCycle(lease) else { continue }
            reason = next
        }
        return reason
    }

    /// Waits for the lease (a new holding, with a new token), logging who holds it; `nil` when
    /// stopped meanwhile.
    private func acquireLease() async throws -> WriterLease? {
        var lastHolder: String?
        while !isStopping {
            // Each attempt blocks for up to a second (SQLite, and the wait for the holder).
            let attempt = try await WorkThread.run("sluice.lease") { [self] () throws -> Result<WriterLease, LeaseWait> in
                do {
                    let command = CommandLine.arguments.joined(separator: " ")
                    return .success(try WriterLease.acquire(store: store, command: queue == nil ? command : WorkClaim.replicaMark + command,
                                                            duration: options.leaseDuration, timeout: queue == nil ? .seconds(1) : .zero, clock: clock,
                                                            fencesStore: queue == nil) { [self] reason in
                        leaseLost(reason)
                    })
                } catch let error as StoreError {
                    do {
                        return .failure(LeaseWait(holder: try store.leaseHolder().map(String.init(describing:)), error: error))
                    } catch {
                        // A replica outlives an unreachable store (its work loop says so, and /readyz).
                        guard queue != nil else { throw error }
                        return .failure(LeaseWait(holder: nil, error: StoreError("\(error)"), unreachable: true))
                    }
                }
            }
            switch attempt {
            case .success(let lease):
                state.withLock { s in
                    s.holdsLease = true
                    s.leaseLost = nil
                    s.cyclesHolding = 0
                }
                metrics.lease(held: true)
                queue?.fenceLeader(lease.token)
                logger.info(queue == nil ? "holding the store's writer lease" : "leading the replicas (holding the store's writer lease)")
                return lease
            case .failure(let wait) where wait.unreachable:
                logger.debug("cannot reach the store to take the lease", metadata: ["error": "\(wait.error)"])
                lastHolder = nil
                _ = await wakeups.wait(until: .now + .seconds(2))
            case .failure(let wait):
                if wait.holder != lastHolder, queue != nil {
                    logger.info("following: another replica leads (it plans; this one works on the models it claims)",
                                metadata: ["leader": "\(wait.holder ?? "none")"])
                    lastHolder = wait.holder
                } else if wait.holder != lastHolder {
                    logger.notice("waiting for the store's writer lease", metadata: ["holder": "\(wait.holder ?? "none")", "error": "\(wait.error)"])
                    lastHolder = wait.holder
                }
                // A replica tries once a second (±20%): one transaction, however many replicas follow.
                _ = await wakeups.wait(until: .now + (queue == nil ? .milliseconds(500) : .milliseconds(Int(1000 * Double.random(in: 0.8...1.2)))))
            }
        }
        return nil
    }

    /// Another process took the lease over (this one failed to renew it in time): the cycle under
    /// way stops its work, and the loop waits to take the lease again.
    private func leaseLost(_ reason: String) {
        state.withLock { s in
            s.holdsLease = false
            s.leaseLost = reason
        }
        metrics.lease(held: false)
        logger.critical("lost the store's writer lease; stopping work, then waiting to take it again with a new token",
                        metadata: ["reason": "\(reason)"])
        wakeups.signal()
    }

    /// Sleeps until the interval has passed, a trigger arrives or the lease is lost; returns why
    /// the next cycle runs, or `nil` when the controller is stopping or lost the lease.
    private func waitForNextCycle(_ lease: WriterLease) async -> CycleReason? {
        let spread = options.interval.seconds * options.jitter
        let wait = max(0.05, options.interval.seconds + Double.random(in: -spread...spread))
        let deadline = ContinuousClock.now + .seconds(wait)
        while !isStopping && !lease.isLost {
            if let reason = pending.withLock({ p in defer { p = nil }; return p }) { return .triggered(reason) }
            if await !wakeups.wait(until: deadline) { return .interval }
        }
        return nil
    }
}

/// The lease is held by another process: who, and the error that says so.
private struct LeaseWait: Error {
    var holder: String?
    var error: StoreError
    /// The store could not be read (a replica waits for it to come back).
    var unreachable = false
}
