import Foundation
import Logging
import Testing
import SluiceCore
import SluiceLearn
import SluiceManifest
import SluiceReconcile
import SluiceTesting
@testable import SluiceController

/// Training on a feedback snapshot, in process: the dataset's training split plus the snapshot's
/// train rows, tested (and gated) on the snapshot's holdout rows alone; deterministic.
@Suite struct FeedbackTrainingTests {
    /// 60 rows (12 to test): x numeric, w text, y the class.
    static let dataset: String = {
        var text = "x,w,y\n"
        for i in 0..<60 {
            let x = Double(i) / 60
            text += "\(x),\(i % 3 == 0 ? "k" : "m"),\(x < 0.5 ? "a" : "b")\n"
        }
        return text
    }()

    /// Eight labelled rows served later; the two newest are held out.
    static let labelled = (0..<8).map { i in
        FeedbackSnapshot.Labelled(id: "req-\(i)", row: 0, time: 1_767_000_000 + Double(i), features: ["x": .number(0.3 + Double(i) / 100), "w": "k"],
                                  truth: i % 2 == 0 ? "a" : "b")
    }

    /// A store, a data root holding `data.csv`, and an executor over them.
    struct Fixture {
        let dir: URL
        let store = InMemoryStore()
        let targets = FakeTargets()
        let data: DataResolver
        let executor: PlanExecutor
        let desired: DesiredModel

        init() throws {
            dir = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-feedback-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            try Data(FeedbackTrainingTests.dataset.utf8).write(to: dir.appendingPathComponent("data.csv"))
            data = DataResolver(root: dir, digester: FileDigester(store: store))
            executor = PlanExecutor(store: store, data: data, targets: targets, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }),
                                    revision: "rev1", clock: FixedClock())
            desired = ManifestBuilder("iris", source: "data.csv", target: "y").desired(data: data)
        }

        /// Records `snapshot` as the model's retrain of its current inputs; the desired model trains on it.
        func retrain(on snapshot: FeedbackSnapshot) throws -> DesiredModel {
            let record = FeedbackSnapshotRecord(
                model: "iris", digest: snapshot.digest, baseVersion: try #require(desired.baseVersionID), specDigest: desired.manifest.digest,
                servedVersion: "v0", trigger: "Degraded (LiveMetricBelowFloor)", trainRows: snapshot.trainRows, holdoutRows: snapshot.holdoutRows,
                freshRows: 8, createdAt: Date(timeIntervalSince1970: 1_767_000_100), revision: nil)
            try store.recordFeedbackSnapshot(record, csv: snapshot.csv(), events: [])
            return DesiredModel(manifest: desired.manifest, data: desired.data, feedback: record.input)
        }

        func remove() { try? FileManager.default.removeItem(at: dir) }
    }

    static let snapshot = FeedbackSnapshot.next(previous: nil, labelled: labelled, features: ["x", "w"], target: "y", holdout: 0.25).snapshot

    @Test func theTrainFrameIsTheSplitPlusTheSnapshotsTrainRowsAndTheTestFrameItsHoldout() throws {
        let f = try Fixture()
        defer { f.remove() }
        let m = f.desired.manifest
        let split = try f.data.partition(m, data: f.desired.data, spec: m.trainingSpec)
        let plain = try f.executor.frames(f.desired)
        #expect(plain.train == split.train && plain.test == split.test, "without a snapshot, the dataset's split")

        let frames = try f.executor.frames(try f.retrain(on: Self.snapshot))
        let rows = try Self.snapshot.frames(like: split.train)
        #expect(rows.train.rowCount == 6 && rows.holdout.rowCount == 2)
        #expect(frames.train == split.train.appending(rows.train))
        #expect(frames.train.rowCount == split.train.rowCount + 6)
        #expect(frames.test == rows.holdout)
        #expect(frames.test.column(named: "x")?.storage == .numeric([0.3 + 6.0 / 100, 0.3 + 7.0 / 100]), "the newest rows, and only them")
        #expect(frames.test.column(named: "y")?.storage == .string(["a", "b"]))
    }

    @Test func aSnapshotTheStoreDoesNotHoldIsADataErrorNamingIt() throws {
        let f = try Fixture()
        defer { f.remove() }
        let missing = DesiredModel(manifest: f.desired.manifest, data: f.desired.data,
                                   feedback: FeedbackInput(digest: String(repeating: "0", count: 64), trainRows: 6, holdoutRows: 2, trigger: "Drifted"))
        #expect {
            try f.executor.frames(missing)
        } throws: { error in
            error is DataError && "\(error)".hasPrefix("feedback snapshot 00000000… of iris cannot be read: the store has no feedback snapshot 00000000… of iris")
        }
    }

    @Test func aSnapshotThatDoesNotFitOrHoldsNothingOutIsADataError() throws {
        let f = try Fixture()
        defer { f.remove() }
        let row = FeedbackSnapshot.Row(id: "req-1", row: 0, time: 1, part: .holdout, cells: ["tall", "k", "a"])
        let misfit = try f.retrain(on: FeedbackSnapshot(columns: ["x", "w", "y"], rows: [row]))
        #expect {
            try f.executor.frames(misfit)
        } throws: { error in
            "\(error)".contains("does not fit data.csv") && "\(error)".contains(#"request id "req-1", row 0): x is "tall""#)
        }
        var trained = row
        (trained.cells[0], trained.part) = ("0.5", .train)
        let nothingHeld = try f.retrain(on: FeedbackSnapshot(columns: ["x", "w", "y"], rows: [trained]))
        #expect {
            try f.executor.frames(nothingHeld)
        } throws: { error in
            "\(error)".contains("holds out no rows, so a version trained on it cannot be gated")
        }
    }

    @Test func trainingOnASnapshotTwiceGivesTheSameBytesAndRecordsTheSnapshot() throws {
        var artifacts: [[UInt8]] = []
        for _ in 0..<2 {
            let f = try Fixture()
            defer { f.remove() }
            let d = try f.retrain(on: Self.snapshot)
            let version = try #require(d.versionID)
            let (record, reused) = try f.executor.train(d, version: version)
            #expect(!reused && record.id == version && version != f.desired.versionID)
            #expect(record.feedbackDigest == Self.snapshot.digest)
            #expect(try f.store.version(model: "iris", id: version)?.feedbackDigest == Self.snapshot.digest)
            #expect(try f.store.observe()["iris"].versions[version]?.feedbackDigest == Self.snapshot.digest)
            let split = try f.data.partition(d.manifest, data: d.data, spec: d.manifest.trainingSpec)
            #expect(record.evaluation["trainRows"]?.doubleValue == Double(split.train.rowCount + 6))
            #expect(record.evaluation["testRows"]?.doubleValue == 2, "tested on the holdout rows")
            // Profiled on more rows than the holdout: the dataset's test split and the holdout.
            let artifact = try ModelArtifact.decode(try f.store.artifact(record.artifactDigest), expectedDigest: record.artifactDigest)
            let profile = try #require(artifact.reference)
            #expect(profile.testRows == split.test.rowCount + 2)
            #expect(profile.prediction.total == split.test.rowCount + 2)
            #expect(profile.trainingRows == split.train.rowCount + 6)
            artifacts.append(try f.store.artifact(record.artifactDigest))
            // The same inputs without the snapshot train another model.
            let (plain, _) = try f.executor.train(f.desired, version: try #require(f.desired.versionID))
            #expect(plain.feedbackDigest == nil && plain.artifactDigest != record.artifactDigest)
        }
        #expect(artifacts[0] == artifacts[1])
    }

    /// The gate judges the candidate and the champion on the same rows: the snapshot's holdout,
    /// which neither trained on.
    @Test func theChampionIsMeasuredOnTheHoldoutRows() throws {
        let f = try Fixture()
        defer { f.remove() }
        var builder = ManifestBuilder("iris", source: "data.csv", target: "y")
        builder.gate = [GateRule(metric: "accuracy", min: 0.1, maxRegression: 1)]
        let champion = builder.desired(data: f.data)
        let (record, _) = try f.executor.train(champion, version: try #require(champion.versionID))
        let snapshot = FeedbackSnapshotRecord(
            model: "iris", digest: Self.snapshot.digest, baseVersion: try #require(champion.baseVersionID), specDigest: champion.manifest.digest,
            servedVersion: record.id, trigger: "Degraded", trainRows: 6, holdoutRows: 2, freshRows: 8, createdAt: Date(timeIntervalSince1970: 1), revision: nil)
        try f.store.recordFeedbackSnapshot(snapshot, csv: Self.snapshot.csv(), events: [])
        let candidate = DesiredModel(manifest: champion.manifest, data: champion.data, feedback: snapshot.input)
        let version = try #require(candidate.versionID)
        _ = try f.executor.train(candidate, version: version)
        let source = ChampionSource(version: record.id, digest: record.artifactDigest, origin: .store) { [store = f.store] in
            try store.artifact(record.artifactDigest)
        }
        let (report, measured) = try f.executor.gateReport(candidate, version: version, champion: source)
        let artifact = try ModelArtifact.decode(try f.store.artifact(record.artifactDigest), expectedDigest: record.artifactDigest)
        let holdout = try Self.snapshot.frames(like: try f.data.partition(champion.manifest, data: champion.data, spec: champion.manifest.trainingSpec).train).holdout
        let onHoldout = try Trainer.evaluate(artifact, on: holdout)
        #expect(onHoldout.rows == 2)
        #expect(measured != nil && measured == onHoldout.metrics, "\(report.summary)")
    }

    /// The published metadata says which snapshot and which breach produced the version.
    @Test func thePublishedLineageNamesTheSnapshotAndTheBreach() throws {
        let f = try Fixture()
        defer { f.remove() }
        let d = try f.retrain(on: Self.snapshot)
        let version = try #require(d.versionID)
        _ = try f.executor.train(d, version: version)
        try f.executor.publish("iris", version: version, to: d.manifest.deploy, reason: Reason(.feedbackRetrain, "retrain"), manifest: d.manifest)
        let metadata = try #require(f.targets[d.manifest.deploy].content?.metadataJSON)
        #expect(metadata["version"]?.stringValue == version)
        let lineage = try #require(metadata["lineage"]?["feedback"])
        #expect(lineage == [
            "snapshot": .string(Self.snapshot.digest), "trainRows": 6, "holdoutRows": 2, "trigger": "Degraded (LiveMetricBelowFloor)",
            "servedVersion": "v0", "baseVersion": .string(try #require(f.desired.baseVersionID)), "takenAt": "2025-12-29T09:21:40Z",
        ])
        // A version without a snapshot has no feedback lineage.
        let plain = try #require(f.desired.versionID)
        _ = try f.executor.train(f.desired, version: plain)
        try f.executor.publish("iris", version: plain, to: d.manifest.deploy, reason: Reason(.replacesChampion, "back"), manifest: d.manifest)
        #expect(f.targets[d.manifest.deploy].content?.metadataJSON?["lineage"]?["feedback"] == nil)
    }

    /// Each desired model trains on the newest snapshot taken of its current inputs; a snapshot of
    /// inputs it no longer has (the manifest or the data changed since) does not apply.
    @Test func theReconcilerAttachesTheNewestSnapshotOfTheCurrentInputs() throws {
        let f = try Fixture()
        defer { f.remove() }
        let reconciler = Reconciler(configuration: .init(root: f.dir), store: f.store, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        #expect(try reconciler.withFeedback([f.desired]).map(\.feedback) == [nil], "no snapshot yet")
        let older = FeedbackSnapshot.next(previous: nil, labelled: Array(Self.labelled.prefix(4)), features: ["x", "w"], target: "y", holdout: 0.25).snapshot
        _ = try f.retrain(on: older)
        let newest = try f.retrain(on: Self.snapshot)
        var other = ManifestBuilder("iris", source: "data.csv", target: "y")
        other.params = ["maxDepth": 2]
        let changed = other.desired(data: f.data)
        let wine = ManifestBuilder("wine", source: "data.csv", target: "y").desired(data: f.data)
        let attached = try reconciler.withFeedback([f.desired, wine])
        #expect(attached.map(\.feedback) == [newest.feedback, nil])
        #expect(try reconciler.withFeedback([changed]).map(\.feedback) == [nil], "the snapshot was taken of other inputs")
        #expect(attached[0].versionID == newest.versionID && attached[0].baseVersionID == f.desired.versionID)
    }
}
