import Foundation
import Testing
@testable import SluiceReconcile

/// The controller's backoff: pure, with the time passed in, so each case states its own clock.
@Suite struct RetriesTests {
    static let t0 = Date(timeIntervalSince1970: 1_767_225_600)
    static let fingerprints = ["iris": "f1", "wine": "w1"]

    static func item(_ model: String) -> PlanItem {
        PlanItem(model: model, actions: [.train(version: "v-\(model)", reason: Reason(.firstVersion, "no version trained yet"))], condition: .progressing)
    }
    static let plan = Plan(items: [item("iris"), item("wine")])

    /// Whether `model` is held back in `plan`, and its message then.
    static func held(_ model: String, in plan: Plan) -> String? {
        guard let i = plan.item(model), i.actions.isEmpty else { return nil }
        #expect(i.condition == .failed)
        return i.message
    }

    /// Retries after `failures` failures of iris at t0 with the same fingerprint.
    static func failing(_ failures: Int, policy: RetryPolicy = RetryPolicy()) -> Retries {
        var r = Retries(policy: policy)
        for _ in 0..<failures {
            r.record(failed: ["iris": "training failed: no rows"], attempted: ["iris"], fingerprints: fingerprints, now: t0)
        }
        return r
    }

    @Test(arguments: [(0, 0.0), (1, 5), (2, 10), (3, 20), (4, 40), (5, 80), (6, 160), (7, 300), (8, 300), (10_000, 300)])
    func theWaitDoublesFromTheBaseUpToTheCap(failures: Int, delay: Double) {
        #expect(RetryPolicy(base: 5, cap: 300).delay(afterFailures: failures) == delay)
    }

    @Test func aFailedModelWaitsItsDelayThenIsTriedAgain() {
        let r = Self.failing(1)
        #expect(r.entries["iris"]?.notBefore == Self.t0.addingTimeInterval(5))
        let during = r.hold(Self.plan, fingerprints: Self.fingerprints, now: Self.t0.addingTimeInterval(1))
        #expect(Self.held("iris", in: during)
                == "training failed: no rows (failed 1 time; retrying in 4 s, or at once when its manifest, data or revision changes)")
        #expect(Self.held("wine", in: during) == nil, "a model that did not fail is never held")
        let after = r.hold(Self.plan, fingerprints: Self.fingerprints, now: Self.t0.addingTimeInterval(5))
        #expect(after == Self.plan)
    }

    @Test func eachFailureWithTheSameInputsDoublesTheWait() {
        let r = Self.failing(3)
        #expect(r.entries["iris"]?.failures == 3)
        #expect(r.entries["iris"]?.notBefore == Self.t0.addingTimeInterval(20))
        let held = r.hold(Self.plan, fingerprints: Self.fingerprints, now: Self.t0.addingTimeInterval(0.5))
        #expect(Self.held("iris", in: held)?.contains("(failed 3 times; retrying in 20 s") == true)
    }

    @Test func theWaitStopsGrowingAtTheCap() {
        let r = Self.failing(12, policy: RetryPolicy(base: 1, cap: 60))
        #expect(r.entries["iris"]?.notBefore == Self.t0.addingTimeInterval(60))
    }

    @Test func aChangedFingerprintReleasesTheHoldAtOnceAndStartsCountingAgain() {
        var r = Self.failing(4)
        let changed = ["iris": "f2", "wine": "w1"]
        #expect(r.hold(Self.plan, fingerprints: changed, now: Self.t0) == Self.plan)
        r.record(failed: ["iris": "still failing"], attempted: ["iris"], fingerprints: changed, now: Self.t0)
        #expect(r.entries["iris"]?.failures == 1)
        #expect(r.entries["iris"]?.fingerprint == "f2")
        #expect(r.entries["iris"]?.notBefore == Self.t0.addingTimeInterval(5))
    }

    @Test func successClearsTheModelsFailures() {
        var r = Self.failing(2)
        r.record(failed: [:], attempted: ["iris"], fingerprints: Self.fingerprints, now: Self.t0.addingTimeInterval(10))
        #expect(r.entries.isEmpty)
        #expect(r.hold(Self.plan, fingerprints: Self.fingerprints, now: Self.t0) == Self.plan)
    }

    @Test func aModelNotAttemptedKeepsItsWait() {
        var r = Self.failing(2)
        r.record(failed: [:], attempted: ["wine"], fingerprints: Self.fingerprints, now: Self.t0)
        #expect(r.entries["iris"]?.failures == 2)
    }

    @Test func aModelWithNothingPlannedIsLeftAsPlanned() {
        let r = Self.failing(1)
        let ready = Plan(items: [PlanItem(model: "iris", actions: [], condition: .ready, reason: Reason(.upToDate, "version v is published"))])
        #expect(r.hold(ready, fingerprints: Self.fingerprints, now: Self.t0) == ready)
    }

    @Test func keepOnlyForgetsModelsNoLongerPlanned() {
        var r = Self.failing(1)
        r.record(failed: ["wine": "bad data"], attempted: ["wine"], fingerprints: Self.fingerprints, now: Self.t0)
        r.keep(only: ["wine", "tree"])
        #expect(r.entries.keys.sorted() == ["wine"])
    }
}
