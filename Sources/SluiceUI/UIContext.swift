import Foundation
import SluiceController

/// Where the pages are served from: the store they read, the current plan, and the one action.
public struct UIContext: Sendable {
    /// "Reconcile now": the controller's `POST /reconcile`, when a controller serves the pages.
    public struct Reconcile: Sendable {
        /// Whether the button asks for the bearer token (`sluice run --token-env`).
        public var tokenRequired: Bool

        /// Creates the action's description.
        public init(tokenRequired: Bool) {
            self.tokenRequired = tokenRequired
        }
    }

    /// The store the pages read (never written).
    public var store: any Store
    /// The current plan.
    public var plans: PlanCache
    /// The action, when a controller serves the pages; `nil` for a standalone `sluice ui`.
    public var reconcile: Reconcile?
    /// The time of day: ages ("3m ago") are counted from it.
    public var clock: any WallClock
    /// What serves the pages, for the footer: "sluice run", "sluice ui".
    public var server: String

    /// Creates a context.
    public init(store: any Store, plans: PlanCache, reconcile: Reconcile? = nil, clock: any WallClock = SystemClock(), server: String) {
        self.store = store
        self.plans = plans
        self.reconcile = reconcile
        self.clock = clock
        self.server = server
    }
}
