import Foundation
import Testing
import SluiceMonitor
import SluiceReconcile

/// Debouncing of monitor conditions: a breach only after `persistFor`, events only on change.
@Suite struct MonitorTrackerTests {
    static let t0 = Date(timeIntervalSince1970: 1_767_225_600)
    static let drift = MonitorCondition(kind: .drifted, reason: .featureDrift, message: "feature drift: x1 (PSI 0.31)", features: ["x1"])
    static let few = MonitorCondition(kind: .insufficientData, reason: .tooFewLabels, message: "3 labelled rows")

    /// Runs checks at the given offsets (seconds from t0), each with its conditions.
    static func run(_ checks: [(Double, [MonitorCondition])], persistFor: Double, version: (Int) -> String = { _ in "v1" },
                    from start: MonitorState? = nil) -> (MonitorState?, [[MonitorTracker.Transition]]) {
        var state = start
        var all: [[MonitorTracker.Transition]] = []
        for (i, (offset, conditions)) in checks.enumerated() {
            let (next, transitions) = MonitorTracker.step(state, model: "iris", version: version(i), conditions: conditions, reportJSON: nil,
                                                          now: t0.addingTimeInterval(offset), persistFor: persistFor)
            state = next
            all.append(transitions)
        }
        return (state, all)
    }

    static func kinds(_ transitions: [MonitorTracker.Transition]) -> [String] {
        transitions.map {
            switch $0 {
            case .raised(let t): "raised \(t.key)"
            case .breached(let t): "breached \(t.key)"
            case .cleared(let t): "cleared \(t.key)"
            }
        }
    }

    @Test func aConditionIsRaisedThenBreachesOnlyOnceItHasHeldForPersistFor() {
        let (state, transitions) = Self.run([(0, [Self.drift]), (1_800, [Self.drift]), (3_599, [Self.drift]), (3_600, [Self.drift]), (5_400, [Self.drift])],
                                            persistFor: 3_600)
        #expect(transitions.map(Self.kinds) == [["raised Drifted/FeatureDrift"], [], [], ["breached Drifted/FeatureDrift"], []])
        #expect(state?.conditions.first?.since == Self.t0, "since is when it was first seen")
        #expect(state?.breaches.map(\.key) == ["Drifted/FeatureDrift"])
    }

    @Test func persistForZeroBreachesAtOnce() {
        let (state, transitions) = Self.run([(0, [Self.drift])], persistFor: 0)
        #expect(transitions.map(Self.kinds) == [["breached Drifted/FeatureDrift"]])
        #expect(state?.breaches.count == 1)
    }

    @Test func aConditionThatStopsHoldingIsClearedAndStartsAfreshWhenSeenAgain() {
        let (state, transitions) = Self.run([(0, [Self.drift]), (600, []), (1_200, [Self.drift]), (4_000, [Self.drift]), (4_800, [Self.drift])],
                                            persistFor: 3_600)
        #expect(transitions.map(Self.kinds) == [["raised Drifted/FeatureDrift"], ["cleared Drifted/FeatureDrift"], ["raised Drifted/FeatureDrift"],
                                                [], ["breached Drifted/FeatureDrift"]])
        #expect(state?.conditions.first?.since == Self.t0.addingTimeInterval(1_200))
    }

    @Test func insufficientDataIsTrackedButNeverABreachNorAnEvent() {
        let (state, transitions) = Self.run([(0, [Self.few]), (7_200, [Self.few]), (7_800, [])], persistFor: 0)
        #expect(transitions.allSatisfy { $0.isEmpty }, "\(transitions)")
        #expect(state?.conditions.isEmpty == true)
        let (held, _) = Self.run([(0, [Self.few]), (7_200, [Self.few])], persistFor: 0)
        #expect(held?.conditions.map(\.breached) == [false])
        #expect(held?.conditions.first?.since == Self.t0)
    }

    @Test func aNewVersionInServiceStartsAfresh() {
        let (state, transitions) = Self.run([(0, [Self.drift]), (3_600, [Self.drift]), (3_700, [Self.drift])], persistFor: 3_600,
                                            version: { $0 < 2 ? "v1" : "v2" })
        #expect(transitions.map(Self.kinds) == [["raised Drifted/FeatureDrift"], ["breached Drifted/FeatureDrift"],
                                                ["cleared Drifted/FeatureDrift", "raised Drifted/FeatureDrift"]])
        #expect(state?.version == "v2" && state?.conditions.first?.since == Self.t0.addingTimeInterval(3_700))
    }

    @Test func aCheckThatCouldNotJudgeChangesNoCondition() {
        let (state, _) = Self.run([(0, [Self.drift])], persistFor: 3_600)
        let failed = MonitorTracker.failed(state, model: "iris", problem: "connection refused", version: nil, now: Self.t0.addingTimeInterval(7_200))
        #expect(failed.conditions == state?.conditions, "not cleared, and not aged into a breach by a check that saw nothing")
        #expect(failed.problem == "connection refused" && failed.checkedAt == Self.t0.addingTimeInterval(7_200))
        // The next check that answers: the condition held since t0, so it breaches now.
        let (after, transitions) = Self.run([(7_300, [Self.drift])], persistFor: 3_600, from: failed)
        #expect(Self.kinds(transitions[0]) == ["breached Drifted/FeatureDrift"])
        #expect(after?.problem == nil)
    }

    @Test func aChangedMessageKeepsTheConditionsSince() {
        var later = Self.drift
        later.message = "feature drift: x1 (PSI 0.45)"
        let (state, transitions) = Self.run([(0, [Self.drift]), (60, [later])], persistFor: 3_600)
        #expect(transitions[1].isEmpty)
        #expect(state?.conditions.first?.since == Self.t0)
        #expect(state?.conditions.first?.condition.message == later.message, "the message is the latest measurement")
    }
}
