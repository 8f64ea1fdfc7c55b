import Foundation
import Synchronization
import SluiceCore
import SluiceSystem

/// Holds a store's writer lease for the life of a command or a controller: takes it (waiting
/// a bounded time for another holder), renews it on a heartbeat thread, and gives it back.
///
/// A holding is one token. Once the lease is lost (another process took it over after this one
/// failed to renew it in time, perhaps because it was paused), the holding is over for good: the
/// heartbeat stops, every ``confirm()`` throws, the store refuses this holding's writes, and a
/// process that wants to write again must ``acquire(store:command:duration:timeout:heartbeat:clock:onLost:)`` a
/// new holding, with a new token. The old token is never written back.
public final class WriterLease: Sendable {
    public let store: any LeaseStore
    public let token: String
    /// How long the lease lasts without a renewal.
    public let duration: Duration
    /// Where the lease's expiry is read from (renewals extend it to `clock.now + duration`).
    public let clock: any WallClock
    private let holder: LeaseHolder
    private let onLost: @Sendable (String) -> Void
    private let state = Mutex(State())
    private let stopped = DispatchSemaphore(value: 0)

    private struct State {
        var released = false
        var lost: String?
    }

    private let fencesStore: Bool

    private init(store: any LeaseStore, holder: LeaseHolder, duration: Duration, clock: any WallClock, fencesStore: Bool,
                 onLost: @escaping @Sendable (String) -> Void) {
        self.fencesStore = fencesStore
        self.store = store
        self.holder = holder
        self.token = holder.token
        self.duration = duration
        self.clock = clock
        self.onLost = onLost
    }

    /// Takes the lease with a new token, waiting up to `timeout` for the current holder to
    /// release it or for its lease to expire, then renews it every third of `duration` until
    /// ``release()``.
    /// - Parameters:
    ///   - command: what the holder runs, shown to processes that wait (URLs in it redacted).
    ///   - heartbeat: whether to renew on a thread of its own (tests that drive the renewals
    ///     themselves with ``confirm()`` pass `false`).
    ///   - clock: the time of day the lease's expiry is computed from and compared with (the
    ///     wait for another holder and the heartbeat's interval are measured, not read from it).
    ///   - onLost: called once, on whichever thread finds out, if another process took the lease
    ///     over (which only happens when this one failed to renew it in time).
    ///   - fencesStore: whether every store write of this process is then checked against the
    ///     lease (``LeaseStore/fence(_:)``); a replica's leader, whose work on models is fenced by
    ///     its claims instead, passes `false`.
    /// - Throws: ``StoreError`` naming the holder when the wait times out.
    public static func acquire(store: any LeaseStore, command: String, duration: Duration = .seconds(30),
                               timeout: Duration, heartbeat: Bool = true, clock: any WallClock = SystemClock(), fencesStore: Bool = true,
                               onLost: @escaping @Sendable (String) -> Void = { _ in }) throws -> WriterLease {
        let now = clock.now
        var claimant = LeaseHolder(token: UUID().uuidString.lowercased(), pid: getpid(), host: LeaseHolder.hostName,
                                   command: Redaction.text(command), acquiredAt: now, expiresAt: now.addingTimeInterval(duration.seconds))
        let deadline = ContinuousClock.now + timeout
        while true {
            let now = clock.now
            claimant.expiresAt = now.addingTimeInterval(duration.seconds)
            guard let current = try store.claimLease(claimant, now: now) else { break }
            if ContinuousClock.now >= deadline {
                let expires = max(0, current.expiresAt.timeIntervalSince(now))
                throw StoreError("the store is locked by another process (\(current)); waited \(timeout), its lease expires in \(Int(expires.rounded(.up))) s unless renewed. Wait for it to finish, or stop it")
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        if fencesStore { store.fence(claimant.token) }
        let lease = WriterLease(store: store, holder: claimant, duration: duration, clock: clock, fencesStore: fencesStore, onLost: onLost)
        if heartbeat {
            let thread = Thread { lease.heartbeat() }
            thread.name = "sluice.lease"
            thread.start()
        }
        return lease
    }

    /// Why the lease was lost, if it was.
    public var lostReason: String? { state.withLock { $0.lost } }

    /// Whether the lease was lost to another process.
    public var isLost: Bool { lostReason != nil }

    /// Renews the lease now and checks that this holding still has it: what a write outside the
    /// store (a rename into a deploy directory, a request to a server) calls right before it
    /// commits, so that a holder that was paused past its lease finds out before it writes.
    /// - Throws: ``StoreError`` saying that the lease was lost and to whom; from then on always.
    public func confirm() throws {
        if let lost = lostReason { throw StoreError(lost) }
        if state.withLock({ $0.released }) { throw StoreError("this process gave the store's writer lease up; nothing more is written") }
        switch try store.renewLease(token: token, until: clock.now.addingTimeInterval(duration.seconds)) {
        case .renewed:
            return
        case .lost(let other):
            throw StoreError(lose(to: other))
        }
    }

    /// Checks, by reading the store without writing to it, that no other process has taken the
    /// lease over: what the controller asks at the end of a cycle that changed nothing, where no
    /// failed write would have revealed a loss. Cheaper than ``confirm()`` (no renewal, so no
    /// commit to wait for); the heartbeat keeps renewing.
    /// - Throws: ``StoreError`` saying that the lease was lost and to whom; from then on always.
    public func check() throws {
        if let lost = lostReason { throw StoreError(lost) }
        if state.withLock({ $0.released }) { throw StoreError("this process gave the store's writer lease up; nothing more is written") }
        let holder = try store.leaseHolder()
        guard holder?.token == token else { throw StoreError(lose(to: holder)) }
    }

    /// Records the loss (once) and tells the owner; returns the reason.
    private func lose(to other: LeaseHolder?) -> String {
        let who = other.map { "taken over by \($0)" } ?? "taken over by another process (which has since released it)"
        let reason = "this process lost the store's writer lease (\(who)) after failing to renew it within \(duration); it stopped its work and writes nothing more under that lease"
        let first = state.withLock { s in
            defer { if s.lost == nil { s.lost = reason } }
            return s.lost == nil
        }
        if first {
            stopped.signal()
            onLost(reason)
        }
        return state.withLock { $0.lost! }
    }

    private func heartbeat() {
        let interval = duration.seconds / 3
        while stopped.wait(timeout: .now() + interval) == .timedOut {
            if state.withLock({ $0.released || $0.lost != nil }) { return }
            do {
                if case .lost(let other) = try store.renewLease(token: token, until: clock.now.addingTimeInterval(duration.seconds)) {
                    _ = lose(to: other)
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
        // A lost holding keeps the store fenced against its token: nothing it still has under
        // way can write. The next holding's ``acquire`` sets the new fence.
        if !isLost, fencesStore { store.fence(nil) }
        try? store.releaseLease(token: token)
    }

    deinit { release() }
}
