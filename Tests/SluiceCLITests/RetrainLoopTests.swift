import Foundation
import Testing
import SluiceCore
import SluiceController
import SluiceReconcile
#if canImport(Glibc)
import Glibc
#endif

/// The retrain loop (`spec.monitor.onBreach: "retrain"`) with both real binaries on loopback: `sluice serve`
/// answers and records iris traffic and its labels, `sluice run` sees live accuracy breach, takes a feedback
/// snapshot of the labelled rows, trains a candidate on the dataset and the snapshot, gates it on the held-out
/// rows (the champion measured on the same rows) and publishes it, or rejects it and keeps the champion; the
/// cooldown and the weekly limit hold across a restart of the controller, and a controller stopped between the
/// snapshot and its training loses neither; new training inputs drop the snapshot,
/// and reverting to the old ones brings it back.
@Suite struct RetrainLoopTests {
    static let classes = ["setosa", "versicolor", "virginica"]
    /// A changed concept: versicolor and virginica swapped.
    static let swapped = ["setosa": "setosa", "versicolor": "virginica", "virginica": "versicolor"]

    /// The shipped iris manifest watched by the server at `server`, retraining on a breach: live accuracy (the
    /// gate's metric, floor 0.90) judged on 30 labels or more, breaching at the first check.
    static func watch(_ s: Sandbox, server: String, retrain: JSON) throws {
        try s.edit("manifests/iris.json") {
            $0.set("spec.monitor", ["server": .string(server), "interval": "1s", "window": "1h", "minSamples": 100, "persistFor": "0s",
                                    "performance": ["minLabels": 30], "onBreach": "retrain", "retrain": retrain])
        }
    }

    /// The labelled rows of the server's window of the version it serves.
    static func labelled(_ base: String) -> Int? {
        guard let r = try? http("GET", "\(base)/v2/models/iris/monitor?window=1h"), r.status == 200 else { return nil }
        return (try? JSONParser.parse(Array(r.body.utf8)).value)?["report"]?["labelled"]?.intValue
    }

    /// One request of every iris row per id, in order, then a label for every row: `label(species)` of its row;
    /// returns once the server's window counts them all (so that a check sees the traffic whole).
    static func traffic(_ base: String, ids: [String], label: (String) -> String) throws {
        let rows = try MonitorLoopTests.iris()
        let before = labelled(base) ?? 0
        var items: [String] = []
        for id in ids {
            let answer = try http("POST", "\(base)/v2/models/iris/infer", body: try MonitorLoopTests.request(id: id, shift: 0))
            #expect(answer.status == 200, "\(answer.body)")
            items += rows.enumerated().map { r, row in #"{"id":"\#(id)","row":\#(r),"truth":"\#(label(row.species))"}"# }
        }
        let posted = try http("POST", "\(base)/v2/models/iris/feedback", body: #"{"items":[\#(items.joined(separator: ","))]}"#)
        #expect(posted.status == 202, "\(posted.body)")
        #expect(waitUntil(timeout: 20) { labelled(base) == before + items.count }, "\(labelled(base) ?? -1) labelled rows")
    }

    /// Labels drawn at random (seeded): no model can learn them.
    static func randomLabels(seed: UInt64) -> (String) -> String {
        var rng = SplitMix(seed: seed)
        return { _ in classes[Int(rng.next() % 3)] }
    }

    /// The store, read-only, beside the running controller.
    static func store(_ s: Sandbox) throws -> SQLiteStore {
        try SQLiteStore(path: s.url(".sluice/state.db").path, readOnly: true)
    }

    static func snapshots(_ s: Sandbox) -> [FeedbackSnapshotRecord] {
        (try? store(s).feedbackSnapshots(model: "iris")) ?? []
    }

    static func events(_ s: Sandbox, _ kind: String) -> [JSON] {
        ((try? s.history("iris"))?["events"]?.arrayValue ?? []).filter { $0["kind"]?.stringValue == kind }
    }

    /// The version `sluice serve` answers with.
    static func served(_ base: String) -> String? {
        guard let r = try? http("POST", "\(base)/v2/models/iris/infer",
                                body: #"{"inputs":[{"name":"input-0","shape":[1,4],"datatype":"FP64","data":[5.1,3.5,1.4,0.2]}]}"#),
              r.status == 200 else { return nil }
        return (try? JSONParser.parse(Array(r.body.utf8)).value)?["model_version"]?.stringValue
    }

    /// The controller's monitor object of iris in `status --json`.
    static func monitor(_ s: Sandbox) -> JSON? {
        let out = (try? s.run("status", "--json").stdout) ?? ""
        return (try? JSONParser.parse(out).value)?["models"]?.arrayValue?.first { $0["name"] == "iris" }?["monitor"]
    }

    @Test func aBreachRetrainsOnTheSnapshotGatesOnItsHoldoutAndPublishes() throws {
        let s = try Sandbox()
        #expect(try s.run("apply").status == 0)
        let champion = try #require(s.publishedVersion("deploy/iris"))
        let (serve, base) = try MonitorLoopTests.startServe(s)
        try Self.watch(s, server: base, retrain: ["cooldown": "1h"])
        // 600 rows of the iris data whose labels follow a changed concept: the champion's live accuracy falls
        // to about a third (Degraded), and the newest 30 % of the rows (180: request p3, and p2 from row 120)
        // are held out.
        let ids = ["p0", "p1", "p2", "p3"]
        try Self.traffic(base, ids: ids) { Self.swapped[$0]! }

        let run = try ControllerProcess(s, ["--interval", "30", "--listen", "127.0.0.1:0"])
        #expect(waitUntil(timeout: 90) { (s.publishedVersion("deploy/iris") ?? champion) != champion },
                "\(Self.monitor(s) ?? .null)\n\(run.output)")
        let retrained = try #require(s.publishedVersion("deploy/iris"))

        // One snapshot, of every labelled row, taken for the breach of the champion.
        let snapshots = Self.snapshots(s)
        try #require(snapshots.count == 1, "\(snapshots)")
        let record = snapshots[0]
        #expect(record.servedVersion == champion && record.freshRows == 600 && record.trainRows == 420 && record.holdoutRows == 180,
                "\(record)")
        let csv = try Self.store(s).feedbackSnapshot(model: "iris", digest: record.digest)
        #expect(SHA256.hex(of: csv) == record.digest)
        let snapshot = try FeedbackSnapshot.parse(csv)
        #expect(snapshot.columns == ["sepal_length", "sepal_width", "petal_length", "petal_width", "species"])
        let iris = try MonitorLoopTests.iris()
        struct Served: Equatable { var id: String; var row: Int }
        let keys = ids.flatMap { id in (0..<150).map { Served(id: id, row: $0) } }
        #expect(snapshot.rows.map { Served(id: $0.id, row: $0.row) } == keys, "the rows in the order they were served")
        #expect(snapshot.rows.allSatisfy { $0.cells.last == Self.swapped[iris[$0.row].species] }, "each row with its label")
        #expect(snapshot.rows.filter { $0.part == .holdout }.map { Served(id: $0.id, row: $0.row) } == Array(keys.suffix(180)), "the newest rows are held out")

        // The retrain event names the snapshot and the version whose breach started it.
        let retrains = Self.events(s, "retrain")
        #expect(retrains.count == 1, "\(retrains)")
        let kinds = (try s.history("iris")["events"]?.arrayValue ?? []).compactMap { $0["kind"]?.stringValue }
        let loop = ["breached", "retrain", "trained", "evaluated", "published"]
        #expect(kinds.drop { $0 != "breached" }.filter(loop.contains) == loop, "the breach, then its retrain, then training, gate and publication: \(kinds)")
        let message = retrains.first?["message"]?.stringValue ?? ""
        #expect(message.contains(String(record.digest.prefix(8))) && message.contains(VersionIdentity.short(champion)), "\(message)")

        // The new version was trained on the snapshot and gated on its 180 held-out rows, the champion
        // measured on the same rows (a third right), and published with its lineage.
        let version = try #require(try Self.store(s).version(model: "iris", id: retrained))
        #expect(version.feedbackDigest == record.digest)
        #expect(version.evaluation["testRows"]?.intValue == 180 && version.evaluation["trainRows"]?.intValue == 105 + 420,
                "\(version.evaluation)")
        let accuracy = try #require(version.metrics["accuracy"])
        #expect(accuracy >= 0.9, "the candidate learned the new concept: \(version.metrics)")
        let verdict = try #require(try Self.store(s).verdicts(model: "iris").last { $0.version == retrained })
        #expect(verdict.passed && verdict.champion == champion, "\(verdict)")
        let regression = verdict.details.arrayValue?.first { $0["threshold"] == "maxRegression" }
        let championAccuracy = try #require(regression?["champion"]?.doubleValue, "\(verdict.details)")
        #expect(championAccuracy < 0.5, "the champion measured on the held-out rows, not on the dataset's test split")
        let lineage = try #require(s.metadata("deploy/iris")?["lineage"]?["feedback"])
        #expect(lineage["snapshot"]?.stringValue == record.digest && lineage["servedVersion"]?.stringValue == champion, "\(lineage)")
        #expect(lineage["trigger"]?.stringValue == record.trigger && lineage["holdoutRows"]?.intValue == 180, "\(lineage)")
        let versions = try s.history("iris")["versions"]?.arrayValue ?? []
        #expect(versions.map { $0["feedback"] ?? .null } == [.null, .string(record.digest)], "history names the snapshot: \(versions)")
        #expect(try s.run("history", "iris").stdout.contains("feedback snapshot \(record.digest.prefix(12))"))

        // In service: status, the server, and one retrain only (the new version has no breach yet).
        let status = try JSONParser.parse(try s.run("status", "--json").stdout).value
        #expect(status["models"]?.arrayValue?.first?["published"]?["version"]?.stringValue == retrained)
        #expect(waitUntil(timeout: 20) { Self.served(base) == retrained }, "\(serve.output)")
        #expect(try s.trainings("iris") == 2)
        #expect(Self.snapshots(s).count == 1)
        #expect(run.signal(SIGTERM)?.status == 0, "\(run.output)")
        #expect(serve.signal(SIGTERM)?.status == 0, "\(serve.output)")
        // `sluice plan` sees the same desired version as the controller: nothing to do.
        #expect(try s.run("plan", "--detailed-exitcode").status == 0)

        // New training inputs drop the snapshot (it belongs to the inputs it was taken for): the next version
        // trains on the dataset alone, and says so.
        try s.edit("manifests/iris.json") { $0.set("spec.algorithm.params.nEstimators", 50) }
        let plan = try JSONParser.parse(try s.run("plan", "--json").stdout).value
        let train = plan["models"]?.arrayValue?.first?["actions"]?.arrayValue?.first { $0["kind"] == "train" }
        #expect(train?["reason"]?.stringValue?.contains("no feedback snapshot (\(VersionIdentity.short(retrained)) was trained on one)") == true,
                "\(plan)")
        #expect(try s.run("apply").status == 0)
        let plain = try #require(s.publishedVersion("deploy/iris"))
        #expect(plain != retrained && plain != champion)
        #expect(s.metadata("deploy/iris")?["lineage"]?["feedback"] == nil, "\(s.metadata("deploy/iris") ?? .null)")
        #expect(try Self.store(s).version(model: "iris", id: plain)?.feedbackDigest == nil)
        // Reverting to the earlier inputs brings their snapshot back: the retrained version is published again, untrained.
        try s.edit("manifests/iris.json") { $0.set("spec.algorithm.params.nEstimators", 100) }
        #expect(try s.run("apply").status == 0)
        #expect(s.publishedVersion("deploy/iris") == retrained)
        #expect(try s.trainings("iris") == 3)
    }

    @Test func aWorseCandidateIsRejectedAndTheCooldownHoldsAcrossARestart() throws {
        let s = try Sandbox()
        #expect(try s.run("apply").status == 0)
        let champion = try #require(s.publishedVersion("deploy/iris"))
        let (serve, base) = try MonitorLoopTests.startServe(s)
        try Self.watch(s, server: base, retrain: ["cooldown": "1h"])
        // Labels no model can learn: the champion breaches, and so would the candidate.
        try Self.traffic(base, ids: ["r0", "r1"], label: Self.randomLabels(seed: 5))

        var run = try ControllerProcess(s, ["--interval", "30", "--listen", "127.0.0.1:0"])
        #expect(waitUntil(timeout: 90) { !Self.events(s, "rejected").isEmpty }, "\(Self.monitor(s) ?? .null)\n\(run.output)")
        let snapshots = Self.snapshots(s)
        try #require(snapshots.count == 1, "\(snapshots)")
        let candidate = try #require(try Self.store(s).versions(model: "iris").first { $0.feedbackDigest == snapshots[0].digest })
        let verdict = try #require(try Self.store(s).verdicts(model: "iris").last { $0.version == candidate.id })
        #expect(!verdict.passed, "\(verdict)")
        #expect(s.publishedVersion("deploy/iris") == champion)
        #expect(Self.served(base) == champion)

        // The breach holds and 150 fresh labelled rows arrive (enough for a retrain), but within the cooldown no
        // second snapshot is taken, by this controller or by a restarted one (the guard reads the store).
        try Self.traffic(base, ids: ["r2"], label: Self.randomLabels(seed: 6))
        func checked() -> String? { Self.monitor(s)?["checkedAt"]?.stringValue }
        func coolingDown() -> Bool {
            guard let m = Self.monitor(s) else { return false }
            let breached = m["conditions"]?.arrayValue?.contains { $0["type"] == "Degraded" && $0["breached"] == true } == true
            return breached && m["report"]?["labelled"]?.intValue == 450 && m["retrain"]?.stringValue?.hasPrefix("cooling down") == true
        }
        #expect(waitUntil(timeout: 20) { coolingDown() }, "\(Self.monitor(s) ?? .null)")
        let first = checked()
        #expect(waitUntil(timeout: 20) { checked() != first }, "\(run.output)")
        #expect(coolingDown() && Self.snapshots(s).count == 1, "\(Self.monitor(s) ?? .null)")
        #expect(run.signal(SIGTERM)?.status == 0, "\(run.output)")
        let stopped = checked()
        run = try ControllerProcess(s, ["--interval", "30", "--listen", "127.0.0.1:0"], name: "controller2")
        #expect(waitUntil(timeout: 30) { checked() != stopped }, "\(run.output)")
        let restarted = checked()
        #expect(waitUntil(timeout: 20) { checked() != restarted }, "\(run.output)")
        #expect(coolingDown(), "\(Self.monitor(s) ?? .null)")
        #expect(Self.snapshots(s).count == 1)
        #expect(Self.events(s, "retrain").count == 1)
        #expect(try s.trainings("iris") == 2)
        #expect(s.publishedVersion("deploy/iris") == champion)
        #expect(run.signal(SIGTERM)?.status == 0, "\(run.output)")
        #expect(serve.signal(SIGTERM)?.status == 0, "\(serve.output)")
    }

    @Test func aControllerStoppedBetweenTheSnapshotAndTheTrainingTakesNoSecondSnapshot() throws {
        let s = try Sandbox()
        #expect(try s.run("apply").status == 0)
        let champion = try #require(s.publishedVersion("deploy/iris"))
        let (serve, base) = try MonitorLoopTests.startServe(s)
        // No cooldown: only the store's record of the snapshot (a retrain under way) stops a second one.
        try Self.watch(s, server: base, retrain: ["cooldown": "0s"])
        try Self.traffic(base, ids: ["p0", "p1", "p2", "p3"]) { Self.swapped[$0]! }
        // A slow model keeps the controller's first cycle busy (one model at a time), so the retrain the breach
        // asks for waits for the next cycle, and the controller is stopped before it comes.
        try s.writeSlowDataset("data/slow.csv")
        try s.write("manifests/slow.json", s.manifest(name: "slow", algorithm: "random_forest", params: ["nEstimators": 400],
                                                       gate: ["accuracy": ["min": 0.1]], source: "data/slow.csv")
            .replacingOccurrences(of: "\"species\"", with: "\"label\""))
        var run = try ControllerProcess(s, ["--interval", "30", "--listen", "off", "--concurrency", "1", "--log-level", "debug"])
        #expect(waitUntil(timeout: 60) { !Self.events(s, "retrain").isEmpty }, "\(Self.monitor(s) ?? .null)\n\(run.output)")
        let digest = try #require(Self.snapshots(s).first?.digest)
        #expect(try Self.store(s).versions(model: "iris").allSatisfy { $0.feedbackDigest == nil }, "not trained yet: \(run.output)")
        #expect(run.signal(SIGTERM)?.status == 0, "\(run.output)")
        #expect(run.output.contains("training abandoned"), "stopped while the slow model trained: \(run.output)")
        #expect(try Self.store(s).versions(model: "iris").allSatisfy { $0.feedbackDigest == nil },
                "the controller stopped between the snapshot and its training: \(run.output)")

        // The restarted controller keeps judging the breach of the champion, takes no second snapshot, and
        // trains, gates and publishes the one it finds in the store.
        run = try ControllerProcess(s, ["--interval", "30", "--listen", "off", "--concurrency", "1"], name: "controller2")
        #expect(waitUntil(timeout: 90) { (s.publishedVersion("deploy/iris") ?? champion) != champion }, "\(Self.monitor(s) ?? .null)\n\(run.output)")
        let retrained = try #require(try Self.store(s).version(model: "iris", id: s.publishedVersion("deploy/iris") ?? ""))
        #expect(retrained.feedbackDigest == digest)
        #expect(Self.snapshots(s).count == 1 && Self.events(s, "retrain").count == 1, "\(Self.snapshots(s))")
        #expect(try s.trainings("iris") == 2)
        #expect(run.signal(SIGTERM)?.status == 0, "\(run.output)")
        #expect(serve.signal(SIGTERM)?.status == 0, "\(serve.output)")
    }

    @Test func theWeeklyLimitStallsTheModelUntilItsManifestChanges() throws {
        let s = try Sandbox()
        #expect(try s.run("apply").status == 0)
        let champion = try #require(s.publishedVersion("deploy/iris"))
        let (serve, base) = try MonitorLoopTests.startServe(s)
        try Self.watch(s, server: base, retrain: ["cooldown": "0s", "maxPerWeek": 1])
        try Self.traffic(base, ids: ["r0", "r1"], label: Self.randomLabels(seed: 9))

        let run = try ControllerProcess(s, ["--interval", "30", "--listen", "127.0.0.1:0"])
        #expect(waitUntil(timeout: 90) { !Self.events(s, "rejected").isEmpty && !Self.events(s, "stalled").isEmpty },
                "\(Self.monitor(s) ?? .null)\n\(run.output)")
        #expect(Self.snapshots(s).count == 1)
        #expect(Self.events(s, "stalled").count == 1, "one event when it stalls, not one per check")

        // More labelled traffic does not restart retraining while stalled...
        try Self.traffic(base, ids: ["r2"], label: Self.randomLabels(seed: 10))
        let first = Self.monitor(s)?["checkedAt"]?.stringValue
        #expect(waitUntil(timeout: 20) { Self.monitor(s)?["checkedAt"]?.stringValue != first })
        #expect(waitUntil(timeout: 20) { Self.monitor(s)?["report"]?["labelled"]?.intValue == 450 }, "\(Self.monitor(s) ?? .null)")
        #expect(Self.snapshots(s).count == 1)

        // ...changing the manifest does: a second snapshot, of the previous rows (each in its part: 210 to train
        // on, 90 held out) and the 150 fresh ones (105 and 45).
        try s.edit("manifests/iris.json") { $0.set("spec.monitor.retrain.maxPerWeek", 2) }
        #expect(waitUntil(timeout: 60) { Self.snapshots(s).count == 2 }, "\(Self.monitor(s) ?? .null)\n\(run.output)")
        let second = Self.snapshots(s)[1]
        #expect(second.freshRows == 150 && second.trainRows == 210 + 105 && second.holdoutRows == 90 + 45, "\(second)")
        #expect(waitUntil(timeout: 60) { Self.events(s, "rejected").count == 2 }, "\(run.output)")
        #expect(s.publishedVersion("deploy/iris") == champion)
        #expect(run.signal(SIGTERM)?.status == 0, "\(run.output)")
        #expect(serve.signal(SIGTERM)?.status == 0, "\(serve.output)")
    }
}
