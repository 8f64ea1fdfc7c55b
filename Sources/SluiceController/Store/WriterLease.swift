import Foundation
import Synchronization

/// Holds a store's writer lease for the life of a command or a controller: takes it (waiting
/// a bounded time for another holder), renews it on a heartbeat thread, and gives it back.
public final class WriterLease: Sendable {
    public let store: any LeaseStore
    public let token: String
    /// How long the lease lasts without a renewal.
    public let duration: Duration
    private let holder: LeaseHolder
    private let state = Mutex(State())
    private let stopped = DispatchSemaphore(value: 0)

    private struct State {
        var released = false
        var lost: String?
    }

    private init(store: any LeaseStore, holder: LeaseHolder, duration: Duration) {
        self.store = store
        self.holder = holder
        self.token = holder.token
        self.duration = duration
    }

    /// Takes the lease, waiting up to `timeout` for the current holder to release it or for
    /// its lease to expire, then renews it every third of `duration` until ``release()``.
    /// - Parameter onLost: called (once, on the heartbeat thread) if another process took the
    ///   lease over, which only happens when this one failed to renew it in time.
    /// - Throws: ``StoreError`` naming the holder when the wait times out.
    public static func acquire(store: any LeaseStore, command: String, duration: Duration = .seconds(30),
                               timeout: Duration, onLost: @escaping @Sendable (String) -> Void = { _ in }) throws -> WriterLease {
        let now = Date()
        var claimant = LeaseHolder(token: UUID().uuidString.lowercased(), pid: getpid(), host: LeaseHolder.hostName,
                                   command: command, acquiredAt: now, expiresAt: now.addingTimeInterval(duration.seconds))
        let deadline = ContinuousClock.now + timeout
        while true {
            claimant.expiresAt = Date().addingTimeInterval(duration.seconds)
            guard let current = try store.claimLease(claimant, now: Date()) else { break }
            if ContinuousClock.now >= deadline {
                let expires = max(0, current.expiresAt.timeIntervalSinceNow)
                throw StoreError("the store is locked by another process (\(current)); waited \(timeout), its lease expires in \(Int(expires.rounded(.up))) s unless renewed. Wait for it to finish, or stop it")
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        store.fence(claimant.token)
        let lease = WriterLease(store: store, holder: claimant, duration: duration)
        let thread = Thread { lease.heartbeat(onLost: onLost) }
        thread.name = "sluice.lease"
        thread.start()
        return lease
    }

    /// Why the lease was lost, if it was.
    public var lostReason: String? { state.withLock { $0.lost } }

    private func heartbeat(onLost: @Sendable (String) -> Void) {
        let interval = duration.seconds / 3
        while stopped.wait(timeout: .now() + interval) == .timedOut {
            var renewed = holder
            renewed.expiresAt = Date().addingTimeInterval(duration.seconds)
            do {
                if let other = try store.claimLease(renewed, now: Date()) {
                    let reason = "the writer lease was taken over by \(other) after this process failed to renew it in time"
                    state.withLock { $0.lost = reason }
                    onLost(reason)
                    return
                }
            } catch {
                // A transient store error: try again at the next beat; the lease lasts three beats.
                continue
            }
        }
    }

    /// Stops the heartbeat and gives the lease up (if it is still this process's).
    public func release() {
        let first = state.withLock { s in
            defer { s.released = true }
            return !s.released
        }
        guard first else { return }
        stopped.signal()
        store.fence(nil)
        try? store.releaseLease(token: token)
    }

    deinit { release() }
}

extension Duration {
    /// The duration in seconds, as a `Double`.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
