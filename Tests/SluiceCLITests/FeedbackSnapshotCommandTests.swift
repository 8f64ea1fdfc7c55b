import Foundation
import Testing
import SluiceController
import SluiceCore
import SluiceReconcile

/// `sluice feedback snapshots | export | drop` with the real binary in a scratch repository: a feedback
/// snapshot recorded in the real SQLite store (as the retrain loop records one) is listed, exported byte for
/// byte, trained on by `apply`, and dropped, after which the model goes back to its version without
/// feedback, published again without training.
@Suite struct FeedbackSnapshotCommandTests {
    /// A snapshot of `n` rows of the sandbox's iris data, correctly labelled (so the candidate passes the
    /// gate), recorded for the training inputs `base` as the retrain loop would.
    static func record(_ s: Sandbox, base: String, served: String, n: Int = 40) throws -> FeedbackSnapshot {
        let lines = try s.read("examples/data/iris.csv").split(separator: "\n").map { $0.split(separator: ",").map(String.init) }
        let header = try #require(lines.first)
        let labelled = try lines.dropFirst().enumerated().filter { $0.offset % 3 == 0 }.prefix(n).map { i, cells in
            var features: [String: JSON] = [:]
            for (name, cell) in zip(header.dropLast(), cells.dropLast()) { features[name] = .number(try #require(Double(cell))) }
            return FeedbackSnapshot.Labelled(id: "req-\(i)", row: 0, time: 1_767_300_000 + Double(i), features: features,
                                             truth: .string(try #require(cells.last)))
        }
        let snapshot = FeedbackSnapshot.next(previous: nil, labelled: labelled, features: Array(header.dropLast()), target: "species",
                                             holdout: 0.3).snapshot
        let store = try SQLiteStore(path: s.url(".sluice/state.db").path)
        try store.recordFeedbackSnapshot(FeedbackSnapshotRecord(
            model: "iris", digest: snapshot.digest, baseVersion: base, specDigest: "spec", servedVersion: served,
            trigger: "Degraded (LiveMetricBelowFloor) on version \(VersionIdentity.short(served)): accuracy 0.61 < 0.9",
            trainRows: snapshot.trainRows, holdoutRows: snapshot.holdoutRows, freshRows: snapshot.rows.count,
            createdAt: Date(timeIntervalSince1970: 1_767_400_000), revision: nil), csv: snapshot.csv(), events: [])
        return snapshot
    }

    static func json(_ r: Sandbox.Result) throws -> JSON { try JSONParser.parse(Array(r.stdout.utf8)).value }

    /// The train and publish actions of iris in `plan --json`: (kind, version, reason token).
    static func actions(_ s: Sandbox) throws -> [(String, String, String)] {
        let plan = try json(try s.run("plan", "--json"))
        return (plan["models"]?.arrayValue?.first { $0["name"] == "iris" }?["actions"]?.arrayValue ?? []).map {
            ($0["kind"]?.stringValue ?? "", $0["version"]?.stringValue ?? "", $0["reasonToken"]?.stringValue ?? "")
        }
    }

    @Test func aSnapshotIsListedExportedTrainedOnAndDroppedBackToTheVersionWithoutFeedback() throws {
        let s = try Sandbox()
        #expect(try s.run("apply").status == 0)
        let plain = try #require(s.publishedVersion("deploy/iris"))
        #expect(try s.run("feedback", "snapshots", "iris").stdout.contains("iris has no feedback snapshots"))
        let none = try s.run("feedback", "export", "iris")
        #expect(none.status == 1 && none.stderr.contains("the store has no feedback snapshot of iris"), "\(none.output)")
        let snapshot = try Self.record(s, base: plain, served: plain)
        let digest = snapshot.digest

        // snapshots: text and JSON.
        let text = try s.run("feedback", "snapshots", "iris")
        #expect(text.status == 0, "\(text.output)")
        #expect(text.stdout.contains("\(digest.prefix(12))  2025-") || text.stdout.contains("\(digest.prefix(12))  2026-"), "\(text.stdout)")
        #expect(text.stdout.contains("inputs \(VersionIdentity.short(plain))  served \(VersionIdentity.short(plain))"), "\(text.stdout)")
        #expect(text.stdout.contains("train \(snapshot.trainRows)  holdout \(snapshot.holdoutRows)  fresh 40"), "\(text.stdout)")
        #expect(text.stdout.contains("accuracy 0.61 < 0.9") && !text.stdout.contains("dropped"), "\(text.stdout)")
        let listed = try Self.json(try s.run("feedback", "snapshots", "iris", "--json"))
        let first = try #require(listed["snapshots"]?.arrayValue?.first)
        #expect(listed["snapshots"]?.arrayValue?.count == 1)
        #expect(first["digest"]?.stringValue == digest && first["baseVersion"]?.stringValue == plain)
        #expect(first["trainRows"]?.intValue == snapshot.trainRows && first["holdoutRows"]?.intValue == 12 && first["freshRows"]?.intValue == 40)
        #expect(first["takenAt"]?.stringValue == "2026-01-03T00:26:40Z" && first["droppedAt"] == .null, "\(first)")
        let unknown = try s.run("feedback", "snapshots", "wine")
        #expect(unknown.status == 1 && unknown.stderr.contains("no model named wine"), "\(unknown.output)")

        // export: the bytes whose SHA-256 is the digest, to stdout or atomically to a file.
        let exported = try s.run("feedback", "export", "iris")
        #expect(exported.status == 0, "\(exported.output)")
        #expect(SHA256.hex(of: Array(exported.stdout.utf8)) == digest)
        #expect(exported.stdout.hasPrefix("sluice.id,sluice.row,sluice.time,sluice.part,sepal_length"))
        let file = try s.run("feedback", "export", "iris", "--snapshot", String(digest.prefix(8)).uppercased(), "-o", "out/snapshot.csv")
        #expect(file.status == 0, "\(file.output)")
        #expect(SHA256.hex(of: try s.bytes("out/snapshot.csv")) == digest)
        #expect(try FileManager.default.contentsOfDirectory(atPath: s.url("out").path) == ["snapshot.csv"], "no temporary file left")
        let other = digest.hasPrefix("0") ? "ffffffff" : "00000000"
        let badPrefix = try s.run("feedback", "export", "iris", "--snapshot", other)
        #expect(badPrefix.status == 1 && badPrefix.stdout.isEmpty, "\(badPrefix.output)")
        #expect(badPrefix.stderr.contains("--snapshot \(other): no feedback snapshot of iris has a digest starting so; its snapshots: \(digest.prefix(16))…"),
                "\(badPrefix.stderr)")
        for bad in ["abc", "zzzzzzzz"] {
            let r = try s.run("feedback", "export", "iris", "--snapshot", bad)
            #expect(r.status == 1 && r.stderr.contains("--snapshot \(bad): expected at least 8 hexadecimal characters"), "\(r.output)")
        }

        // plan and apply train on it (FeedbackRetrain), and publish the candidate.
        let retrain = try Self.actions(s)
        #expect(retrain.first?.0 == "train" && retrain.first?.2 == "FeedbackRetrain", "\(retrain)")
        #expect(try s.run("apply").status == 0)
        let retrained = try #require(s.publishedVersion("deploy/iris"))
        #expect(retrained != plain && retrained == retrain.first?.1)
        #expect(s.metadata("deploy/iris")?["lineage"]?["feedback"] != nil)
        #expect(try s.trainings("iris") == 2)

        // drop: back to the version without feedback, published again without training.
        let drop = try s.run("feedback", "drop", "iris")
        #expect(drop.status == 0, "\(drop.output)")
        #expect(drop.stdout.contains("dropped feedback snapshot \(digest.prefix(12)) of iris") && drop.stdout.contains("the dataset alone"), "\(drop.stdout)")
        let back = try Self.actions(s)
        #expect(back.map(\.0) == ["publish"] && back.first?.1 == plain, "\(back)")
        #expect(try s.run("apply").status == 0)
        #expect(s.publishedVersion("deploy/iris") == plain)
        #expect(s.metadata("deploy/iris")?["lineage"]?["feedback"] == nil)
        #expect(try s.trainings("iris") == 2, "published without training")
        #expect(try s.run("plan", "--detailed-exitcode").status == 0)

        // The snapshot is kept, shown dropped, still exported; the history names it.
        #expect(try s.run("feedback", "snapshots", "iris").stdout.contains("dropped 20"))
        let dropped = try Self.json(try s.run("feedback", "snapshots", "iris", "--json"))["snapshots"]?.arrayValue?.first
        #expect(dropped?["droppedAt"]?.stringValue != nil, "\(dropped ?? .null)")
        #expect(SHA256.hex(of: Array(try s.run("feedback", "export", "iris").stdout.utf8)) == digest)
        let events = try #require(s.history("iris")["events"]?.arrayValue).filter { $0["kind"] == "dropped" }
        #expect(events.count == 1)
        #expect(events.first?["message"]?.stringValue?.contains("feedback snapshot \(digest.prefix(12))") == true
                && events.first?["message"]?.stringValue?.contains("dropped by sluice feedback drop") == true, "\(events)")

        // Again: nothing left to drop by default; naming it is a no-op.
        let again = try s.run("feedback", "drop", "iris")
        #expect(again.status == 1 && again.stderr.contains("every feedback snapshot of iris is dropped already"), "\(again.output)")
        let named = try s.run("feedback", "drop", "iris", "--snapshot", String(digest.prefix(10)))
        #expect(named.status == 0 && named.stdout.contains("was dropped already"), "\(named.output)")
        #expect(try #require(s.history("iris")["events"]?.arrayValue).filter { $0["kind"] == "dropped" }.count == 1)
    }

    @Test func dropTakesTheStoresLockAndDropsNothingWhileAnotherProcessHoldsIt() throws {
        let s = try Sandbox()
        #expect(try s.run("apply").status == 0)
        let plain = try #require(s.publishedVersion("deploy/iris"))
        _ = try Self.record(s, base: plain, served: plain)
        let store = try SQLiteStore(path: s.url(".sluice/state.db").path)
        let lease = try WriterLease.acquire(store: store, command: "sluice run (test holder)", timeout: .seconds(1))
        let r = try s.run("feedback", "drop", "iris", "--lock-timeout", "0.2")
        #expect(r.status == 1 && r.stderr.contains("locked by another process") && r.stderr.contains("sluice run (test holder)"), "\(r.output)")
        #expect(try store.feedbackSnapshots(model: "iris").first?.droppedAt == nil)
        lease.release()
        #expect(try s.run("feedback", "drop", "iris").status == 0)
        #expect(try store.feedbackSnapshots(model: "iris").first?.droppedAt != nil)
    }

    @Test func withoutAStoreEveryCommandSaysSoAndCreatesNone() throws {
        let s = try Sandbox()
        for command in [["snapshots"], ["export"], ["drop"]] {
            let r = try s.run(["feedback"] + command + ["iris"])
            #expect(r.status == 1 && r.stderr.contains("no store"), "\(command): \(r.output)")
        }
        #expect(!s.exists(".sluice/state.db"))
    }
}
