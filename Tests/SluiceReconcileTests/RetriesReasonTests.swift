import Foundation
import Testing
import SluiceReconcile

/// A model held back by ``Retries`` says so with its own token, in place of its actions.
@Suite struct RetriesReasonTests {
    @Test func aHeldModelIsFailedWithWaitingToRetry() {
        let item = PlanItem(model: "iris", actions: [.train(version: "v1", reason: Reason(.firstVersion, "no version trained yet"))],
                            condition: .progressing)
        var retries = Retries(policy: RetryPolicy(base: 60, cap: 60))
        let now = Date(timeIntervalSince1970: 1000)
        retries.record(failed: ["iris": "disk full"], attempted: ["iris"], fingerprints: ["iris": "f"], now: now)
        let held = retries.hold(Plan(items: [item]), fingerprints: ["iris": "f"], now: now).items[0]
        #expect(held.actions.isEmpty)
        #expect(held.condition == .failed)
        #expect(held.conditionReason?.token == .waitingToRetry)
        #expect(held.message.hasPrefix("disk full (failed 1 time; retrying in 60 s"), "\(held.message)")
        // A changed fingerprint is tried at once, keeping the planned reason.
        let tried = retries.hold(Plan(items: [item]), fingerprints: ["iris": "g"], now: now).items[0]
        #expect(tried == item)
    }
}
