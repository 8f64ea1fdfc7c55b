import Foundation
import Testing
import SluiceCore
import SluiceManifest
import SluiceReconcile
import SluiceTesting
@testable import SluiceController

/// A retrain on a feedback snapshot through the real planner and executor, in process: the
/// candidate is published when the gate passes on the holdout rows; a snapshot that fails the gate
/// or cannot be used leaves the champion serving.
@Suite struct FeedbackApplyTests {
    static let iris = ManifestBuilder("iris")
    static let features = ["sepal_length", "sepal_width", "petal_length", "petal_width"]

    /// Labelled rows served after the champion: setosa-like flowers labelled `truth`.
    static func labelled(_ n: Int, truth: @escaping (Int) -> String) -> [FeedbackSnapshot.Labelled] {
        (0..<n).map { i in
            let f: [String: JSON] = ["sepal_length": .number(5 + Double(i % 5) / 10), "sepal_width": 3.4, "petal_length": 1.4, "petal_width": 0.2]
            return FeedbackSnapshot.Labelled(id: "req-\(i)", row: 0, time: 1_767_300_000 + Double(i), features: f, truth: .string(truth(i)))
        }
    }

    /// Records `snapshot` as the champion's retrain and applies one pass with it.
    static func retrain(_ h: ExecutorHarness, on snapshot: FeedbackSnapshot) throws -> (Plan, ApplyReport, DesiredModel) {
        var d = iris.desired(data: h.data)
        let record = FeedbackSnapshotRecord(
            model: "iris", digest: snapshot.digest, baseVersion: try #require(d.baseVersionID), specDigest: d.manifest.digest,
            servedVersion: try #require(try h.inService("iris")), trigger: "Degraded (LiveMetricBelowFloor): accuracy 0.6 < 0.9",
            trainRows: snapshot.trainRows, holdoutRows: snapshot.holdoutRows, freshRows: snapshot.rows.count, createdAt: h.clock.now, revision: nil)
        try h.store.recordFeedbackSnapshot(record, csv: snapshot.csv(), events: [])
        d.feedback = record.input
        let observed = try h.observe()
        let plan = Planner().plan(desired: [d], manifests: ManifestSet(manifests: [d.manifest]), observed: observed)
        return (plan, h.executor().apply(plan, desired: [d], observed: observed), d)
    }

    @Test func aCandidateThatPassesOnTheHoldoutReplacesTheChampion() throws {
        let h = ExecutorHarness()
        try h.apply([Self.iris])
        let snapshot = FeedbackSnapshot.next(previous: nil, labelled: Self.labelled(20) { _ in "setosa" }, features: Self.features,
                                             target: "species", holdout: 0.5).snapshot
        let (plan, report, d) = try Self.retrain(h, on: snapshot)
        let version = try #require(d.versionID)
        #expect(plan.actions.map(\.kind) == [.train, .evaluate, .publish])
        #expect(plan.actions.first?.reason.token == .feedbackRetrain)
        #expect(report.outcomes.first?.condition == .ready, "\(report.outcomes)")
        #expect(try h.inService("iris") == version && h.versionIn(d.manifest.deploy) == version)
        #expect(try h.store.version(model: "iris", id: version)?.feedbackDigest == snapshot.digest)
    }

    @Test func aCandidateThatFailsOnTheHoldoutIsRejectedAndTheChampionStays() throws {
        let h = ExecutorHarness()
        try h.apply([Self.iris])
        let champion = try #require(try h.inService("iris"))
        // Ten train rows, then ten held-out setosa flowers labelled virginica: no model trained on the train rows gets them right.
        let snapshot = FeedbackSnapshot.next(previous: nil, labelled: Self.labelled(20) { $0 < 10 ? "setosa" : "virginica" }, features: Self.features,
                                             target: "species", holdout: 0.5).snapshot
        let (plan, report, d) = try Self.retrain(h, on: snapshot)
        #expect(plan.actions.map(\.kind) == [.train, .evaluate, .publish])
        #expect(report.outcomes.first?.condition == .rejected, "\(report.outcomes)")
        #expect(try h.inService("iris") == champion && h.versionIn(d.manifest.deploy) == champion)
        // The next pass does not train it again: the champion keeps serving, the model stays rejected.
        let observed = try h.observe()
        let again = Planner().plan(desired: [d], manifests: ManifestSet(manifests: [d.manifest]), observed: observed)
        #expect(again.actions.isEmpty && again.item("iris")?.condition == .rejected)
    }

    @Test func aSnapshotThatDoesNotFitFailsTheModelAndTheChampionStays() throws {
        let h = ExecutorHarness()
        try h.apply([Self.iris])
        let champion = try #require(try h.inService("iris"))
        var labelled = Self.labelled(4) { _ in "setosa" }
        labelled[3].features["petal_width"] = "wide"
        let snapshot = FeedbackSnapshot.next(previous: nil, labelled: labelled, features: Self.features, target: "species", holdout: 0.5).snapshot
        let (_, report, d) = try Self.retrain(h, on: snapshot)
        let outcome = try #require(report.outcomes.first)
        #expect(outcome.condition == .failed)
        #expect(outcome.message.contains("feedback snapshot \(snapshot.digest.prefix(8))… of iris does not fit examples/data/iris.csv"), "\(outcome.message)")
        #expect(outcome.message.contains(#"request id "req-3", row 0): petal_width is "wide""#), "\(outcome.message)")
        #expect(try h.inService("iris") == champion && h.versionIn(d.manifest.deploy) == champion)
    }
}
