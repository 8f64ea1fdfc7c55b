import Foundation

/// The controller's memory of failed models: which may try again now, and which wait.
///
/// Pure: the clock and what identifies a model's inputs (its fingerprint: manifest digest, data
/// digests and source revision) are passed in. A model waits only while its fingerprint is
/// unchanged — a new commit, a changed spec or new data is tried at once. Errors that need a
/// person (an invalid manifest, a gate rejection) never get here: the planner plans no action
/// for them until their inputs change.
public struct Retries: Sendable, Equatable {
    /// One model's failures.
    public struct Entry: Sendable, Equatable {
        public var failures: Int
        public var fingerprint: String
        /// Not tried again before this.
        public var notBefore: Date
        public var lastError: String
    }

    public var policy: RetryPolicy
    public private(set) var entries: [String: Entry] = [:]

    public init(policy: RetryPolicy = RetryPolicy()) { self.policy = policy }

    /// The plan with the actions of waiting models held back: each such item keeps its
    /// `failed` condition and says when it is tried again.
    public func hold(_ plan: Plan, fingerprints: [String: String], now: Date) -> Plan {
        var plan = plan
        for i in plan.items.indices where !plan.items[i].actions.isEmpty {
            let model = plan.items[i].model
            guard let e = entries[model], e.fingerprint == fingerprints[model], now < e.notBefore else { continue }
            let wait = Int(e.notBefore.timeIntervalSince(now).rounded(.up))
            plan.items[i] = PlanItem(model: model, actions: [], condition: .failed, reason: Reason(.waitingToRetry,
                                     "\(e.lastError) (failed \(e.failures) time\(e.failures == 1 ? "" : "s"); retrying in \(wait) s, or at once when its manifest, data or revision changes)"))
        }
        return plan
    }

    /// Records the outcome of a cycle: failures extend a model's wait, anything else clears it.
    /// - Parameter attempted: the models whose actions were carried out this cycle.
    public mutating func record(failed: [String: String], attempted: Set<String>, fingerprints: [String: String], now: Date) {
        for model in attempted {
            guard let error = failed[model] else {
                entries[model] = nil
                continue
            }
            let fingerprint = fingerprints[model] ?? ""
            var failures = 1
            if let e = entries[model], e.fingerprint == fingerprint { failures = e.failures + 1 }
            entries[model] = Entry(failures: failures, fingerprint: fingerprint,
                                   notBefore: now.addingTimeInterval(policy.delay(afterFailures: failures)), lastError: error)
        }
    }

    /// Forgets models that are no longer in the plan.
    public mutating func keep(only models: Set<String>) {
        entries = entries.filter { models.contains($0.key) }
    }
}
