import SluiceReconcile

extension Controller {
    /// The plan now: made from the manifests the last cycle synced (the source is not fetched
    /// again) and the store and targets as they are, as `sluice plan` makes it, with its data
    /// warnings. Nothing is applied, recorded or held back; the controller's backoffs are not
    /// consulted (the plan says what would change, not when the controller will try).
    ///
    /// A look at the plan never waits for a cycle: while one syncs the source or reads the
    /// manifests (a git fetch may take a while), it gets `nil` at once.
    /// - Returns: the plan and what it was made from; `nil` while a cycle reads the source.
    /// - Throws: when the manifests or the store cannot be read.
    public func currentPlan() throws -> (plan: Plan, snapshot: Reconciler.Snapshot)? {
        try sourceLock.withLockIfAvailable { _ throws -> (plan: Plan, snapshot: Reconciler.Snapshot) in
            let reconciler = reconciler(logger, newCycle: false)
            let snapshot = try reconciler.snapshot()
            var plan = reconciler.plan(snapshot)
            plan.warnings += reconciler.dataWarnings(plan, snapshot)
            return (plan, snapshot)
        }
    }
}
