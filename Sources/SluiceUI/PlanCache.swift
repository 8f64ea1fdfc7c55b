import Foundation
import Synchronization

/// The current plan for the pages: made again when the last one is older than `maxAge`, one at a
/// time (requests that arrive while it is being made wait for it rather than make their own).
///
/// Making a plan reads every manifest and observes every target, as `sluice plan` does; the cache
/// keeps a page that is refreshed or paged through from doing that on every request.
public final class PlanCache: Sendable {
    private let maxAge: TimeInterval
    private let make: @Sendable (UIPlan?) -> UIPlan
    private let now: @Sendable () -> Date
    private let cached = Mutex<UIPlan?>(nil)
    /// The last plan made, kept through ``invalidate()``: what a maker that cannot make one now shows.
    private let last = Mutex<UIPlan?>(nil)
    private let making = Mutex<Void>(())

    /// - Parameters:
    ///   - maxAge: how long a plan is shown before it is made again.
    ///   - now: the time of day (a fixed one in tests).
    ///   - make: makes the plan; it says why there is none in ``UIPlan/problem`` rather than throw.
    public convenience init(maxAge: Duration = .seconds(5), now: @escaping @Sendable () -> Date = { Date() }, make: @escaping @Sendable () -> UIPlan) {
        self.init(maxAge: maxAge, now: now, after: { _ in make() })
    }

    /// - Parameter after: makes the plan from the last one made (`nil` before any): a maker that
    ///   cannot make one now (a cycle holds the source) shows the last one again.
    public init(maxAge: Duration = .seconds(5), now: @escaping @Sendable () -> Date = { Date() }, after: @escaping @Sendable (UIPlan?) -> UIPlan) {
        self.maxAge = Double(maxAge.components.seconds) + Double(maxAge.components.attoseconds) / 1e18
        self.make = after
        self.now = now
    }

    /// A plan made at most `maxAge` ago.
    public func current() -> UIPlan {
        if let plan = fresh() { return plan }
        return making.withLock { _ in
            if let plan = fresh() { return plan }  // made by the request this one waited for
            let plan = make(last.withLock { $0 })
            cached.withLock { $0 = plan }
            last.withLock { $0 = plan }
            return plan
        }
    }

    /// Forgets the plan: the next request makes it again (after `POST /reconcile`, for one).
    public func invalidate() { cached.withLock { $0 = nil } }

    private func fresh() -> UIPlan? {
        cached.withLock { plan in
            guard let plan, now().timeIntervalSince(plan.madeAt) < maxAge, now() >= plan.madeAt else { return nil }
            return plan
        }
    }
}
