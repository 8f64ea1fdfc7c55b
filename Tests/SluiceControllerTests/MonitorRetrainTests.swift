import Foundation
import Prometheus
import ServiceLifecycle
import Testing
import SluiceCore
import SluiceLearn
import SluiceReconcile
import SluiceTesting
import TestSupport
@testable import SluiceController

/// The retrain loop's trigger (`spec.monitor.onBreach: "retrain"`, docs/monitoring.md): the
/// monitor fixture's scratch repository, real SQLite store, fixed clock and loopback server, which
/// here also answers `GET /v2/models/iris/monitor/rows` with labelled iris rows as `sluice serve`
/// logs them. A check takes the feedback snapshot; `controller.cycle` trains, gates and publishes
/// (or rejects) the version trained on it.
@Suite struct MonitorRetrainTests {
    typealias Fixture = MonitorControllerTests.Fixture

    static let rowsPath = "/v2/models/iris/monitor/rows"
    static let degraded = "Degraded/LivePerformance"

    /// `spec.monitor` beyond the fixture's: retrain on a breach, with these guards, from 30 labels.
    static func retrain(cooldown: String = "1h", maxPerWeek: Int = 3) -> String {
        #", "onBreach": "retrain", "performance": {"minLabels": 30}, "retrain": {"cooldown": "\#(cooldown)", "maxPerWeek": \#(maxPerWeek)}"#
    }

    @Test func aHeldBreachTakesOneSnapshotAndTheCycleTrainsGatesAndPublishesOnIt() async throws {
        let f = try await Fixture(persistFor: "0s", monitor: Self.retrain())
        f.serve(labelled: 300, correct: 210)
        try f.serveRows(0..<60)
        let state = try f.check()
        #expect(state.problem == nil, "\(state.problem ?? "")")
        #expect(state.breaches.map(\.key) == [Self.degraded])
        #expect(f.server.requested.contains("\(Self.rowsPath)?labelled=true&since=0&limit=100000"), "\(f.server.requested)")

        let snapshots = try f.store.feedbackSnapshots(model: "iris")
        #expect(snapshots.count == 1)
        let s = try #require(snapshots.first)
        #expect((s.freshRows, s.trainRows, s.holdoutRows) == (60, 42, 18), "the newest 30 % held out")
        let csv = try FeedbackSnapshot.parse(try f.store.feedbackSnapshot(model: "iris", digest: s.digest))
        #expect(csv.rows.filter { $0.part == .holdout }.map(\.id) == (42..<60).map { "req-\($0)" })
        #expect(s.servedVersion == f.version)
        #expect(s.trigger.contains("Degraded (LivePerformance) on version \(VersionIdentity.short(f.version))"), "\(s.trigger)")
        #expect(try f.retrainEvents().map(\.kind) == [.breached, .retrain], "the retrain after the breach that asked for it")
        #expect(state.retrain?.hasPrefix("retrain started at") == true, "\(state.retrain ?? "nil")")
        #expect(state.retrain?.contains(String(s.digest.prefix(8))) == true, "\(state.retrain ?? "nil")")
        #expect(f.controller.pendingTrigger?.contains("automatic retrain of iris") == true, "\(f.controller.pendingTrigger ?? "nil")")

        f.controller.cycle(reason: .triggered(f.controller.pendingTrigger ?? ""))
        let trained = try #require(try f.store.versions(model: "iris").last { $0.feedbackDigest == s.digest })
        let verdict = try #require(try f.store.verdicts(model: "iris").last { $0.version == trained.id })
        #expect(verdict.passed, "\(verdict.summary)")
        #expect(trained.evaluation["testRows"] == .number(18), "gated on the held-out rows")
        #expect(trained.evaluation["trainRows"] == .number(105 + 42), "trained on the dataset's split and the snapshot's train rows")
        #expect(try f.store.activePublications().first?.version == trained.id)
        let metadata = try JSONParser.parse(try #require(f.repository.bytes("deploy/iris/metadata.json"))).value
        #expect(metadata["lineage"]?["feedback"]?["snapshot"] == .string(s.digest), "\(metadata)")
        await f.server.stop()
    }

    @Test func aCandidateWorseOnTheHeldOutRowsIsRejectedAndTheChampionStaysInService() async throws {
        let f = try await Fixture(persistFor: "0s", monitor: Self.retrain())
        f.serve(labelled: 300, correct: 210)
        // The 18 newest rows, the held-out ones, are labelled with the wrong species.
        try f.serveRows(0..<60, wrong: 18)
        try f.check()
        let s = try #require(try f.store.feedbackSnapshots(model: "iris").first)
        f.controller.cycle(reason: .triggered("retrain"))
        let trained = try #require(try f.store.versions(model: "iris").last { $0.feedbackDigest == s.digest })
        let verdict = try #require(try f.store.verdicts(model: "iris").last { $0.version == trained.id })
        #expect(!verdict.passed, "\(verdict.summary)")
        #expect(try f.store.activePublications().map(\.version) == [f.version], "the champion keeps serving")
        let metadata = try JSONParser.parse(try #require(f.repository.bytes("deploy/iris/metadata.json"))).value
        #expect(metadata["lineage"]?["feedback"] == nil)
        // The rejected retrain is decided: the next check is held back by the cooldown, not by it.
        f.clock.advance(60)
        #expect(try f.check().retrain?.hasPrefix("cooling down") == true)
        await f.server.stop()
    }

    @Test(.timeLimit(.minutes(1)))
    func aRunningControllerTrainsTheSnapshotAtOnceWithoutWaitingForItsInterval() async throws {
        try await withTaskExecutorPreference(DedicatedExecutor.shared) {
            let f = try await Fixture(persistFor: "0s", monitor: Self.retrain())
            f.serve(labelled: 300, correct: 210)
            try f.serveRows(0..<60)
            // Cycles an hour apart: within the wait, only the retrain's wake-up can start the cycle that trains it.
            let controller = Fixture.controller(store: f.store, repository: f.repository, clock: f.clock, registry: PrometheusCollectorRegistry(),
                                                interval: .seconds(3600))
            let group = ServiceGroup(configuration: .init(services: [controller], logger: ControllerServiceTests.quiet))
            let running = ControllerServiceTests.start(group)
            try await ControllerServiceTests.until("the version trained on the snapshot") {
                try f.store.versions(model: "iris").contains { $0.feedbackDigest != nil }
            }
            await group.triggerGracefulShutdown()
            _ = try await ControllerServiceTests.outcome(of: running)
            #expect(try f.retrainEvents().map(\.kind) == [.breached, .retrain])
            let s = try #require(try f.store.feedbackSnapshots(model: "iris").first)
            #expect(try f.store.activePublications().first.flatMap { try f.store.version(model: "iris", id: $0.version) }?.feedbackDigest == s.digest)
            await f.server.stop()
        }
    }

    @Test func aRetrainUnderWayTakesNoSecondSnapshotEvenWithoutACooldown() async throws {
        let f = try await Fixture(persistFor: "0s", monitor: Self.retrain(cooldown: "0s"))
        f.serve(shift: 100)
        try f.serveRows(0..<60)
        #expect(try f.check().breaches.map(\.key) == [MonitorControllerTests.featureDrift])
        #expect(try f.store.feedbackSnapshots(model: "iris").count == 1)
        try f.serveRows(0..<120)
        f.clock.advance(60)
        let state = try f.check()
        #expect(try f.store.feedbackSnapshots(model: "iris").count == 1)
        #expect(state.retrain?.hasPrefix("retrain under way: feedback snapshot") == true, "\(state.retrain ?? "nil")")
        #expect(state.retrain?.contains("is not trained yet") == true, "\(state.retrain ?? "nil")")
        // Once trained and gated, the next breach takes the next snapshot.
        f.controller.cycle(reason: .triggered("retrain"))
        f.clock.advance(60)
        try f.check()
        #expect(try f.store.feedbackSnapshots(model: "iris").count == 2)
        #expect(try f.retrainEvents().map(\.kind) == [.breached, .retrain, .retrain])
        await f.server.stop()
    }

    @Test func withinTheCooldownNoRetrainAndAfterItTheNextSnapshotKeepsThePreviousRowsInTheirParts() async throws {
        let f = try await Fixture(persistFor: "0s", monitor: Self.retrain(cooldown: "1h"))
        let start = f.clock.now
        f.serve(labelled: 300, correct: 210)
        try f.serveRows(0..<60)
        try f.check()
        f.controller.cycle(reason: .triggered("retrain"))
        try f.serveRows(0..<120)
        f.clock.advance(30 * 60)
        let cooling = try f.check()
        #expect(try f.store.feedbackSnapshots(model: "iris").count == 1)
        let until = Monitoring.iso(start.addingTimeInterval(3600))
        #expect(cooling.retrain == "cooling down: the next automatic retrain may start at \(until) (spec.monitor.retrain.cooldown 1h after the last)",
                "\(cooling.retrain ?? "nil")")
        #expect(f.server.requested.count { $0.hasPrefix(Self.rowsPath) } == 1, "cooling down, the rows are not read again")

        f.clock.advance(30 * 60)
        let started = try f.check()
        #expect(started.retrain?.hasPrefix("retrain started") == true, "\(started.retrain ?? "nil")")
        let records = try f.store.feedbackSnapshots(model: "iris")
        try #require(records.count == 2)
        let first = try FeedbackSnapshot.parse(try f.store.feedbackSnapshot(model: "iris", digest: records[0].digest))
        let next = try FeedbackSnapshot.parse(try f.store.feedbackSnapshot(model: "iris", digest: records[1].digest))
        func keys(_ snapshot: FeedbackSnapshot, _ part: FeedbackSnapshot.Part) -> Set<FeedbackSnapshot.RowKey> {
            Set(snapshot.rows.filter { $0.part == part }.map(\.key))
        }
        #expect(keys(first, .train).isSubset(of: keys(next, .train)), "the previous train rows are trained on again")
        #expect(keys(first, .holdout).isSubset(of: keys(next, .holdout)), "the previous held-out rows stay held out")
        #expect((records[1].freshRows, next.trainRows, next.holdoutRows) == (60, 84, 36))
        await f.server.stop()
    }

    @Test func afterMaxPerWeekRetrainsTheModelStallsOnceUntilItsManifestChanges() async throws {
        let f = try await Fixture(persistFor: "0s", monitor: Self.retrain(cooldown: "0s", maxPerWeek: 2))
        f.serve(labelled: 300, correct: 210)
        for n in 1...2 {
            try f.serveRows(0..<(60 * n))
            f.clock.advance(60)
            #expect(try f.check().retrain?.hasPrefix("retrain started") == true)
            f.controller.cycle(reason: .triggered("retrain"))
        }
        try f.serveRows(0..<180)
        f.clock.advance(60)
        let stalled = try f.check()
        #expect(stalled.retrain?.hasPrefix("stalled: 2 automatic retrains of this manifest within 7 days (spec.monitor.retrain.maxPerWeek 2)") == true,
                "\(stalled.retrain ?? "nil")")
        #expect(try f.store.feedbackSnapshots(model: "iris").count == 2)
        let requests = f.server.requested.count
        f.clock.advance(60)
        try f.check()
        f.clock.advance(8 * 86_400)
        #expect(try f.check().retrain?.hasPrefix("stalled") == true, "a week later still: it needs a person")
        #expect(try f.store.feedbackSnapshots(model: "iris").count == 2)
        #expect(try f.retrainEvents().filter { $0.kind == .stalled }.count == 1, "said once, not at every check")
        #expect(!f.server.requested.dropFirst(requests).contains { $0.hasPrefix(Self.rowsPath) }, "stalled, the rows are not read")

        // Any change of the manifest (here a label) lets retrains resume.
        let manifest = String(decoding: try #require(f.repository.bytes("manifests/iris.json")), as: UTF8.self)
        try f.repository.write("manifests/iris.json", manifest.replacingOccurrences(of: #""name": "iris"}"#, with: #""name": "iris", "labels": {"team": "ml"}}"#))
        f.controller.cycle(reason: .interval)
        f.clock.advance(60)
        #expect(try f.check().retrain?.hasPrefix("retrain started") == true)
        #expect(try f.store.feedbackSnapshots(model: "iris").count == 3)
        await f.server.stop()
    }

    /// While a retrain waits for labels, the rows are read again only once the server's window counts
    /// another label, or an hour later (labels of rows outside the window): not every check.
    @Test func aRetrainWaitingForLabelsReadsTheRowsAgainOnlyWhenLabelsCameOrAnHourPassed() async throws {
        let f = try await Fixture(persistFor: "0s", monitor: Self.retrain(cooldown: "0s"))
        f.serve(labelled: 300, correct: 210)
        try f.serveRows(0..<29)
        func reads() -> Int { f.server.requested.filter { $0.hasPrefix(Self.rowsPath) }.count }
        #expect(try f.check().retrain?.hasPrefix("waiting for labels: 29 labelled rows") == true)
        #expect(reads() == 1)
        f.clock.advance(60)
        #expect(try f.check().retrain?.hasPrefix("waiting for labels: 29 labelled rows") == true, "the same note")
        #expect(reads() == 1, "the same label count: the rows are not read again")
        f.clock.advance(3_600)
        _ = try f.check()
        #expect(reads() == 2, "an hour later they are")
        try f.serveRows(0..<60)
        f.serve(labelled: 331, correct: 210)
        f.clock.advance(60)
        #expect(try f.check().retrain?.hasPrefix("retrain started") == true)
        #expect(reads() == 3)
        await f.server.stop()
    }

    @Test func tooFewFreshLabelsOrRowsThatCannotBeReadStartNothingAndAreSaid() async throws {
        let f = try await Fixture(persistFor: "0s", monitor: Self.retrain(cooldown: "0s"))
        f.serve(labelled: 300, correct: 210)
        try f.serveRows(0..<29)
        let waiting = try f.check()
        #expect(waiting.retrain == "waiting for labels: 29 labelled rows no version trained on; a retrain needs 30 (spec.monitor.performance.minLabels)",
                "\(waiting.retrain ?? "nil")")
        // Labels the server could not match to a logged row are said, with what to do.
        f.serve(labelled: 300, correct: 210, unmatchedLabels: 170)
        f.clock.advance(60)
        let unlogged = try #require(try f.check().retrain)
        #expect(unlogged.hasPrefix("waiting for labels: 29 labelled rows"), "\(unlogged)")
        #expect(unlogged.contains("; 170 labels on the server match no logged row, so no retrain can use them (sluice serve logs every row with --monitor-log-rows 1"),
                "\(unlogged)")
        let cases: [(status: Int, body: String, note: String)] = [
            (500, "boom", "GET \(f.server.base)\(Self.rowsPath)?labelled=true&since=0&limit=100000: HTTP 500: boom"),
            (200, "<html>\n", "line 1 is not a logged row"),
            (401, "a token is needed", "HTTP 401: a token is needed; the controller sends a token only to the server of an http deploy target that sets spec.deploy.tokenEnv"),
            (200, #"{"id": "a", "row": 0, "ts": 1, "features": {}, "truth": "setosa"}"# + "\n" + #"{"id": "b"}"# + "\n", "line 2 is not a logged row"),
        ]
        for (i, c) in cases.enumerated() {
            f.server.answer(path: Self.rowsPath, c.status, Array(c.body.utf8))
            f.serve(labelled: 301 + i, correct: 210)  // a label came, so the rows are read again
            f.clock.advance(60)
            let state = try f.check()
            #expect(state.retrain?.hasPrefix("no automatic retrain: the labelled rows cannot be read from the server") == true, "\(state.retrain ?? "nil")")
            #expect(state.retrain?.contains(c.note) == true, "\(state.retrain ?? "nil") should say \(c.note)")
            #expect(state.problem == nil, "the window was judged")
            #expect(state.breaches.map(\.key) == [Self.degraded])
        }
        #expect(try f.store.feedbackSnapshots(model: "iris").isEmpty)
        #expect(f.controller.pendingTrigger == nil)
        #expect(try f.retrainEvents().map(\.kind) == [.breached])
        f.controller.cycle(reason: .interval)
        #expect(f.controller.status.conditions == ["iris": .ready])
        #expect(try f.store.versions(model: "iris").count == 1, "nothing trained")
        await f.server.stop()
    }

    @Test func aRestartedControllerKnowsTheRetrainUnderWayAndTheCooldownFromTheStore() async throws {
        let f = try await Fixture(persistFor: "0s", monitor: Self.retrain(cooldown: "1h"))
        f.serve(labelled: 300, correct: 210)
        try f.serveRows(0..<60)
        try f.check()
        try f.serveRows(0..<120)

        func restarted() throws -> (SQLiteStore, Controller) {
            let store = try SQLiteStore(path: f.storePath)
            let controller = Fixture.controller(store: store, repository: f.repository, clock: f.clock, registry: PrometheusCollectorRegistry())
            controller.monitoring.watch(f.controller.monitoring.watched)
            return (store, controller)
        }
        let (store, controller) = try restarted()
        controller.monitoring.checkDue()
        let under = try #require(try store.monitorStates().first)
        #expect(under.retrain?.hasPrefix("retrain under way") == true, "\(under.retrain ?? "nil")")
        controller.cycle(reason: .start)
        #expect(try store.versions(model: "iris").contains { $0.feedbackDigest != nil })

        f.clock.advance(60)
        let (again, last) = try restarted()
        last.monitoring.checkDue()
        let cooling = try #require(try again.monitorStates().first)
        #expect(cooling.retrain?.hasPrefix("cooling down") == true, "\(cooling.retrain ?? "nil")")
        #expect(try again.feedbackSnapshots(model: "iris").count == 1)
        #expect(last.pendingTrigger == nil)
        await f.server.stop()
    }

    @Test func onBreachAlertNeverReadsTheRowsNorSnapshots() async throws {
        let f = try await Fixture(persistFor: "0s", monitor: #", "performance": {"minLabels": 30}"#)
        f.serve(labelled: 300, correct: 210)
        try f.serveRows(0..<60)
        let state = try f.check()
        #expect(state.breaches.map(\.key) == [Self.degraded])
        #expect(state.retrain == nil)
        #expect(!f.server.requested.contains { $0.hasPrefix(Self.rowsPath) }, "\(f.server.requested)")
        #expect(try f.store.feedbackSnapshots(model: "iris").isEmpty)
        #expect(f.controller.pendingTrigger == nil)
        #expect(try f.retrainEvents().map(\.kind) == [.breached])
        await f.server.stop()
    }
}

/// Bad feedback and odd histories: what the trigger must not freeze into a snapshot, or claim to start.
extension MonitorRetrainTests {
    /// A labelled row of request `id` served at second `i` of the day before the rows of ``MonitorControllerTests/Fixture/rowsBody(_:wrong:)``.
    static func row(_ id: String, _ i: Int, version: String, sepalLength: JSON = .number(5), truth: JSON) -> [UInt8] {
        let features: JSON = .object(["sepal_length": sepalLength, "sepal_width": .number(3.4), "petal_length": .number(1.5), "petal_width": .number(0.2)])
        let row: JSON = .object(["id": .string(id), "row": .number(0), "version": .string(version), "ts": .number(1_767_052_800 + Double(i)),
                                 "features": features, "prediction": .string("setosa"), "truth": truth])
        return row.canonicalBytes() + Array("\n".utf8)
    }

    /// While a version of other training inputs serves (new inputs still training, or their version
    /// rejected), its breach takes no snapshot: the snapshot would be filed under inputs its rows may not fit.
    @Test func aVersionOfOtherTrainingInputsInServiceStartsNoRetrain() async throws {
        let f = try await Fixture(persistFor: "0s", monitor: Self.retrain(cooldown: "0s"))
        f.serve(labelled: 300, correct: 210)
        try f.serveRows(0..<60)
        var watched = f.controller.monitoring.watched
        #expect(watched.first?.baseVersion == f.version, "the fixture's champion is the version of the manifest's inputs")
        watched[0].baseVersion = String(repeating: "c", count: 64)
        f.controller.monitoring.watch(watched)
        let state = try f.check()
        #expect(state.breaches.map(\.key) == [Self.degraded])
        #expect(state.retrain?.hasPrefix("no automatic retrain: version \(VersionIdentity.short(f.version)) in service was trained from other training inputs") == true,
                "\(state.retrain ?? "nil")")
        #expect(try f.store.feedbackSnapshots(model: "iris").isEmpty)
        #expect(!f.server.requested.contains { $0.hasPrefix(Self.rowsPath) }, "the rows are not read")
        await f.server.stop()
    }

    /// The row log keeps values by position and names them by the features of the version in
    /// service: rows another version served with other features are left out, and said.
    @Test func rowsServedByAVersionWithOtherFeaturesAreLeftOut() async throws {
        let f = try await Fixture(persistFor: "0s", monitor: Self.retrain(cooldown: "0s"))
        f.serve(labelled: 300, correct: 210)
        // A version whose artifact has its features in another order.
        var record = try #require(try f.store.version(model: "iris", id: f.version))
        var artifact = try ModelArtifact.decode(try f.store.artifact(record.artifactDigest), expectedDigest: record.artifactDigest)
        artifact.encoder.features.reverse()
        artifact.reference?.features.reverse()
        record.id = String(repeating: "e", count: 64)
        record.artifactDigest = try f.store.putArtifact(artifact.encoded())
        try f.store.recordVersion(record)
        var body: [UInt8] = []
        for i in 0..<20 { body += Self.row("other-\(i)", i, version: record.id, truth: .string("setosa")) }
        f.server.answer(path: Self.rowsPath, 200, body + (try f.rowsBody(0..<60)))
        let started = try #require(try f.check().retrain)
        #expect(started.hasPrefix("retrain started"), "\(started)")
        #expect(started.contains("20 labelled rows left out (the first: served by a version with other features"), "\(started)")
        let s = try #require(try f.store.feedbackSnapshots(model: "iris").first)
        #expect(s.freshRows == 60)
        await f.server.stop()
    }

    @Test func labelsAndValuesTheDatasetCannotHoldAreLeftOutOfTheSnapshotAndSaid() async throws {
        let f = try await Fixture(persistFor: "0s", monitor: Self.retrain(cooldown: "0s"))
        f.serve(labelled: 300, correct: 210)
        // 10 misspelt labels, 5 text values of a numeric feature, beside 25 good rows: too few.
        var bad: [UInt8] = []
        for i in 0..<10 { bad += Self.row("typo-\(i)", i, version: f.version, truth: .string("Setosa")) }
        for i in 0..<5 { bad += Self.row("text-\(i)", 10 + i, version: f.version, sepalLength: .string("five"), truth: .string("setosa")) }
        f.server.answer(path: Self.rowsPath, 200, bad + (try f.rowsBody(0..<25)))
        let waiting = try #require(try f.check().retrain)
        #expect(waiting.hasPrefix("waiting for labels: 25 labelled rows no version trained on; a retrain needs 30"), "\(waiting)")
        #expect(waiting.contains("15 labelled rows left out"), "\(waiting)")
        #expect(waiting.contains(#"truth "Setosa" is not a class of the model (setosa, versicolor, virginica)"#), "\(waiting)")
        #expect(try f.store.feedbackSnapshots(model: "iris").isEmpty)

        f.server.answer(path: Self.rowsPath, 200, bad + (try f.rowsBody(0..<60)))
        f.serve(labelled: 335, correct: 210)  // the window counts the new labels
        f.clock.advance(60)
        let started = try #require(try f.check().retrain)
        #expect(started.hasPrefix("retrain started"), "\(started)")
        let s = try #require(try f.store.feedbackSnapshots(model: "iris").first)
        #expect(s.freshRows == 60, "only the rows the dataset can hold")
        let event = try #require(try f.retrainEvents().last { $0.kind == .retrain })
        #expect(event.message.contains("15 labelled rows left out"), "\(event.message)")
        f.controller.cycle(reason: .triggered("retrain"))
        let trained = try #require(try f.store.versions(model: "iris").last { $0.feedbackDigest == s.digest })
        let artifact = try ModelArtifact.decode(try f.store.artifact(trained.artifactDigest), expectedDigest: trained.artifactDigest)
        #expect(artifact.target.classes == ["setosa", "versicolor", "virginica"], "a misspelt label is no new class")
        await f.server.stop()
    }

    @Test func theSameRowsAfterTheTrainingInputsChangedAreNotClaimedAsANewRetrain() async throws {
        let f = try await Fixture(persistFor: "0s", monitor: Self.retrain(cooldown: "0s"))
        f.serve(labelled: 300, correct: 210)
        try f.serveRows(0..<60)
        try f.check()
        f.controller.cycle(reason: .triggered("retrain"))
        // New training inputs (another split seed): a version without feedback; the same labelled rows.
        let manifest = String(decoding: try #require(f.repository.bytes("manifests/iris.json")), as: UTF8.self)
        try f.repository.write("manifests/iris.json", manifest.replacingOccurrences(of: #""seed": 7"#, with: #""seed": 8"#))
        f.controller.cycle(reason: .interval)
        // The new inputs' version serves now (with the fixture's profile, so that its window fits), and breaches.
        let served = try #require(try f.store.activePublications().first?.version)
        #expect(served != f.version)
        var record = try #require(try f.store.version(model: "iris", id: served))
        var artifact = try ModelArtifact.decode(try f.store.artifact(record.artifactDigest), expectedDigest: record.artifactDigest)
        artifact.reference = f.profile
        record.artifactDigest = try f.store.putArtifact(artifact.encoded())
        try f.store.recordVersion(record)
        f.serve(labelled: 300, correct: 210, version: served)
        f.clock.advance(60)
        let state = try f.check()
        let records = try f.store.feedbackSnapshots(model: "iris")
        #expect(records.count == 1)
        #expect(try f.retrainEvents().filter { $0.kind == .retrain }.count == 1)
        #expect(state.retrain?.hasPrefix("waiting for labels") == true, "\(state.retrain ?? "nil")")
        #expect(state.retrain?.contains("feedback snapshot \(records[0].digest.prefix(8))…") == true, "\(state.retrain ?? "nil")")
        // One more labelled row, and the retrain on the new inputs starts with every row.
        f.server.answer(path: Self.rowsPath, 200, (try f.rowsBody(0..<61)))
        f.clock.advance(60)
        #expect(try f.check().retrain?.hasPrefix("retrain started") == true)
        let next = try #require(try f.store.feedbackSnapshots(model: "iris").last)
        #expect(next.baseVersion != records[0].baseVersion)
        #expect(next.freshRows == 61)
        f.controller.cycle(reason: .triggered("retrain"))
        #expect(try f.store.versions(model: "iris").contains { $0.feedbackDigest == next.digest })
        await f.server.stop()
    }

    @Test func aSnapshotTheCycleCannotTrainOnIsSaidWhileUnderWayAndTheChampionKeepsServing() async throws {
        let f = try await Fixture(persistFor: "0s", monitor: Self.retrain(cooldown: "0s"))
        f.serve(labelled: 300, correct: 210)
        try f.serveRows(0..<60)
        // A snapshot with a column the dataset has not (as one taken while a version of other
        // columns served): training on it fails.
        let (odd, record) = try f.recordUntrainableSnapshot()
        f.controller.cycle(reason: .triggered("retrain"))
        #expect(f.controller.status.conditions["iris"] == .failed)
        #expect(try f.store.activePublications().map(\.version) == [f.version], "the champion keeps serving")
        let note = try #require(try f.check().retrain)
        #expect(note.hasPrefix("retrain under way: feedback snapshot \(odd.digest.prefix(8))…"), "\(note)")
        #expect(note.contains(#"; the last cycle could not train it: "#) && note.contains(#"has a column "petal_colour" the dataset has not"#), "\(note)")
        #expect(try f.store.feedbackSnapshots(model: "iris").count == 1)
        // A newer snapshot of the same inputs is a change: the next cycle trains it at once rather
        // than holding the model back for the failure's retry delay.
        let good = FeedbackSnapshot.next(previous: nil, labelled: try f.labelled(0..<60), features: f.profile.features.map(\.name),
                                         target: "species", holdout: 0.3).snapshot
        var next = record
        next.digest = good.digest
        next.createdAt = f.clock.now
        try f.store.recordFeedbackSnapshot(next, csv: good.csv(), events: [])
        f.controller.cycle(reason: .interval)
        #expect(try f.store.versions(model: "iris").contains { $0.feedbackDigest == good.digest }, "trained without waiting to retry")
        await f.server.stop()
    }

    @Test func aDroppedSnapshotIsNoLongerWaitedOnAndTheNextBreachTakesANewOne() async throws {
        let f = try await Fixture(persistFor: "0s", monitor: Self.retrain(cooldown: "0s"))
        f.serve(labelled: 300, correct: 210)
        try f.serveRows(0..<60)
        // A snapshot no cycle can train on (a column the dataset has not): under way for ever, until dropped.
        let (odd, _) = try f.recordUntrainableSnapshot()
        f.controller.cycle(reason: .triggered("retrain"))
        #expect(try f.check().retrain?.hasPrefix("retrain under way: feedback snapshot \(odd.digest.prefix(8))…") == true)
        #expect(try f.store.feedbackSnapshots(model: "iris").count == 1)

        f.clock.advance(60)
        try f.store.dropFeedbackSnapshot(model: "iris", digest: odd.digest, at: f.clock.now,
                                         event: EventRecord(at: f.clock.now, model: "iris", kind: .dropped, message: "dropped", revision: nil))
        f.clock.advance(60)
        let note = try #require(try f.check().retrain)
        #expect(note.hasPrefix("retrain started at"), "\(note)")
        let snapshots = try f.store.feedbackSnapshots(model: "iris")
        #expect(snapshots.count == 2 && snapshots.first?.droppedAt != nil && snapshots.last?.droppedAt == nil)
        // The new snapshot starts afresh from the served rows: nothing of the dropped one is carried over.
        let next = try FeedbackSnapshot.parse(try f.store.feedbackSnapshot(model: "iris", digest: try #require(snapshots.last?.digest)))
        #expect(next.rows.count == 60 && !next.rows.contains { $0.id == "x" })
        f.controller.cycle(reason: .triggered("retrain"))
        #expect(try f.store.versions(model: "iris").contains { $0.feedbackDigest == snapshots.last?.digest })
        await f.server.stop()
    }

    @Test func theRowsOfADroppedSnapshotAreNotRetrainedOnAgainUntilANewLabelComes() async throws {
        let f = try await Fixture(persistFor: "0s", monitor: Self.retrain(cooldown: "0s"))
        f.serve(labelled: 300, correct: 210)
        try f.serveRows(0..<60)
        #expect(try f.check().retrain?.hasPrefix("retrain started at") == true)
        let taken = try #require(try f.store.feedbackSnapshots(model: "iris").first)
        f.controller.cycle(reason: .triggered("retrain"))
        f.clock.advance(60)
        try f.store.dropFeedbackSnapshot(model: "iris", digest: taken.digest, at: f.clock.now,
                                         event: EventRecord(at: f.clock.now, model: "iris", kind: .dropped, message: "dropped", revision: nil))
        f.clock.advance(60)
        let note = try #require(try f.check().retrain)
        #expect(note.hasPrefix("waiting for labels: the 60 labelled rows are those of feedback snapshot \(taken.digest.prefix(8))…, dropped at"), "\(note)")
        #expect(try f.store.feedbackSnapshots(model: "iris").count == 1)
        try f.serveRows(0..<90)
        f.clock.advance(60)
        #expect(try f.check().retrain?.hasPrefix("retrain started at") == true)
        #expect(try f.store.feedbackSnapshots(model: "iris").count == 2)
        await f.server.stop()
    }
}

extension MonitorControllerTests.Fixture {
    /// Records, for the watched model's current inputs, a snapshot no cycle can train on: it has a
    /// column (`petal_colour`) the dataset has not.
    func recordUntrainableSnapshot() throws -> (FeedbackSnapshot, FeedbackSnapshotRecord) {
        let m = try #require(controller.monitoring.watched.first)
        let odd = FeedbackSnapshot(columns: ["petal_colour", "species"], rows: [.init(id: "x", row: 0, time: 1, part: .holdout, cells: ["blue", "setosa"])])
        let record = FeedbackSnapshotRecord(model: "iris", digest: odd.digest, baseVersion: try #require(m.baseVersion), specDigest: m.specDigest,
                                            servedVersion: version, trigger: "test", trainRows: 0, holdoutRows: 1, freshRows: 1,
                                            createdAt: clock.now, revision: nil)
        try store.recordFeedbackSnapshot(record, csv: odd.csv(), events: [])
        return (odd, record)
    }

    /// The rows of ``rowsBody(_:wrong:)`` as the client reads them.
    func labelled(_ range: Range<Int>) throws -> [FeedbackSnapshot.Labelled] {
        try rowsBody(range).split(separator: UInt8(ascii: "\n")).map { try MonitorClient.labelled(Array($0)) }
    }

    /// The iris rows of the scratch repository's dataset: features by name, and the species.
    func irisRows() throws -> [(features: [String: JSON], species: String)] {
        let text = String(decoding: try #require(repository.bytes("data/iris.csv")), as: UTF8.self)
        let lines = text.split(separator: "\n").map { $0.split(separator: ",").map(String.init) }
        let header = try #require(lines.first)
        return try lines.dropFirst().map { cells in
            var features: [String: JSON] = [:]
            for (name, cell) in zip(header.dropLast(), cells.dropLast()) { features[name] = .number(try #require(Double(cell))) }
            return (features, try #require(cells.last))
        }
    }

    /// Serves labelled rows `range` on `…/monitor/rows` as `sluice serve` logs them (one canonical
    /// JSON object per line, oldest first): row `i` is request `req-i`, served at second `i` of
    /// the day before the fixed clock's start, with iris line `(i % 3) * 50 + (i / 3) % 50` (the
    /// species alternate); the newest `wrong` are labelled with the next species instead of their own.
    func serveRows(_ range: Range<Int>, wrong: Int = 0) throws {
        server.answer(path: MonitorRetrainTests.rowsPath, 200, try rowsBody(range, wrong: wrong))
    }

    func rowsBody(_ range: Range<Int>, wrong: Int = 0) throws -> [UInt8] {
        let iris = try irisRows()
        let species = ["setosa", "versicolor", "virginica"]
        var body: [UInt8] = []
        for i in range {
            let (features, truth) = iris[(i % 3) * 50 + (i / 3) % 50]
            let label = i >= range.upperBound - wrong ? species[(species.firstIndex(of: truth)! + 1) % 3] : truth
            let row: JSON = .object([
                "id": .string("req-\(i)"), "row": .number(0), "version": .string(version), "ts": .number(1_767_139_200 + Double(i)),
                "features": .object(features), "prediction": .string(truth), "truth": .string(label),
            ])
            body += row.canonicalBytes() + Array("\n".utf8)
        }
        return body
    }

    /// The monitor and retrain events so far.
    func retrainEvents() throws -> [EventRecord] {
        try store.events(model: "iris", limit: 1000).filter { [.raised, .breached, .cleared, .retrain, .stalled].contains($0.kind) }
    }
}
