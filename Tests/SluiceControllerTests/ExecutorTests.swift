import Foundation
import Testing
import SluiceCore
import SluiceManifest
import SluiceReconcile
import SluiceTesting
@testable import SluiceController

/// The executor in-process, over the in-memory store, fake targets and a fixed clock: real
/// training on `examples/data/iris.csv`, no process, no sleep.
@Suite struct ExecutorTests {
    static let iris = ManifestBuilder("iris")
    static let flowers = ManifestBuilder("flowers")

    /// The kinds of a plan's actions, model by model, in words.
    static func kinds(_ plan: Plan) -> [[String]] { plan.items.map { $0.actions.map { "\($0.kind)" } } }

    /// The kinds of the events recorded for `model`, in words.
    static func events(_ h: ExecutorHarness, _ model: String) throws -> [String] {
        try h.store.events(model: model, limit: 50).map { "\($0.kind)" }
    }

    /// `b` with a new training input (so a new version is trained).
    static func retrained(_ b: ManifestBuilder) -> ManifestBuilder {
        var b = b
        b.params = ["maxDepth": 3]
        return b
    }

    @Test(arguments: [1, 2])
    func oneModelsFailingPublishDoesNotStopTheOthersAndItsChampionStays(concurrency: Int) throws {
        let h = ExecutorHarness()
        try h.apply([Self.iris, Self.flowers])
        let champion = try #require(try h.inService("iris"))
        #expect(h.versionIn(.directory(path: "deploy/iris")) == champion)

        h.targets[directory: "deploy/iris"].failPublishes("disk full")
        let (plan, report) = try h.apply([Self.retrained(Self.iris), Self.retrained(Self.flowers)], concurrency: concurrency)
        #expect(Self.kinds(plan) == [["train", "evaluate", "publish"], ["train", "evaluate", "publish"]])

        let failed = try #require(report.outcomes.first { $0.model == "iris" })
        #expect(failed.condition == .failed)
        #expect(failed.message == "directory deploy/iris: disk full; \(VersionIdentity.short(champion)) stays in service")
        #expect(failed.actions.map(\.succeeded) == [true, true, false])
        #expect(try h.inService("iris") == champion, "the store still has the champion in service")
        #expect(h.versionIn(.directory(path: "deploy/iris")) == champion, "the target still holds the champion")
        #expect(try h.store.events(model: "iris", limit: 10).contains { "\($0.kind)" == "failed" && $0.message.contains("disk full") })

        let other = try #require(report.outcomes.first { $0.model == "flowers" })
        #expect(other.condition == .ready)
        let newVersion = try #require(plan.item("flowers")?.actions.first?.version)
        #expect(try h.inService("flowers") == newVersion)
        #expect(h.versionIn(.directory(path: "deploy/flowers")) == newVersion)
        #expect((report.trained, report.evaluated, report.published) == (2, 2, 1))
        #expect(report.exitCode == 1)
    }

    @Test func aFailedGatePublishesNothingAndKeepsTheOldTarget() throws {
        let h = ExecutorHarness()
        try h.apply([Self.iris])
        let champion = try #require(try h.inService("iris"))

        var moved = Self.retrained(Self.iris)
        moved.deploy = .directory(path: "deploy/moved")
        moved.gate = [GateRule(metric: "accuracy", max: 0.1)]
        let (plan, report) = try h.apply([moved])
        #expect(Self.kinds(plan) == [["train", "evaluate", "publish", "retire"]])

        let outcome = try #require(report.outcomes.first)
        #expect(outcome.condition == .rejected)
        #expect(outcome.message.hasSuffix("; \(VersionIdentity.short(champion)) stays in service"), "\(outcome.message)")
        #expect(outcome.verdicts == [false])
        #expect(h.targets[directory: "deploy/moved"].publishes.isEmpty, "nothing is published to the new target")
        #expect(h.targets[directory: "deploy/iris"].retirements == 0, "the old target is not retired")
        #expect(h.versionIn(.directory(path: "deploy/iris")) == champion)
        #expect(try h.store.activePublications().map(\.version) == [champion])
        #expect((report.published, report.retired) == (0, 0))
        #expect(report.exitCode == 3)
    }

    @Test func aSecondRunReusesTheCachedVersionWithoutTraining() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-cache-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let cache = VersionCache(path: dir.path)

        let first = ExecutorHarness()
        let (_, trained) = try first.apply([Self.iris], cache: cache)
        #expect(trained.trained == 1)
        let version = try #require(try first.inService("iris"))

        // Another store (another CI job) with the same cache.
        let second = ExecutorHarness()
        let (_, reused) = try second.apply([Self.iris], cache: cache)
        #expect(reused.trained == 0, "no training")
        #expect(reused.outcomes.first?.done.first?.hasPrefix("reused \(VersionIdentity.short(version)) from the cache") == true,
                "\(reused.outcomes)")
        #expect(reused.outcomes.first?.condition == .ready)
        let original = try #require(try first.store.version(model: "iris", id: version))
        #expect(try second.store.version(model: "iris", id: version)?.artifactDigest == original.artifactDigest)
        #expect(second.targets[directory: "deploy/iris"].content?.artifact == first.targets[directory: "deploy/iris"].content?.artifact)
    }

    /// A version trained on a feedback snapshot keeps the snapshot when it comes back from the cache
    /// (after `gc`, or in another store): its lineage and the retrain loop's "under way" rely on it.
    @Test func theCacheKeepsTheFeedbackSnapshotAVersionWasTrainedOn() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-cache-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let cache = VersionCache(path: dir.path)
        let bytes = Array("an artifact".utf8)
        let record = VersionRecord(model: "iris", id: String(repeating: "a", count: 64), artifactDigest: SHA256.hex(of: bytes), inputs: ["x": 1],
                                   manifestDigest: "m", manifestFile: "manifests/iris.json", dataDigest: "d", testDigest: nil,
                                   metrics: ["accuracy": 1], evaluation: .null, trainSeconds: 1, trainedAt: Date(timeIntervalSince1970: 1_800_000_000),
                                   revision: nil, feedbackDigest: String(repeating: "f", count: 64))
        try cache.put(record, artifact: bytes)
        let back = try #require(cache.get(record.id))
        #expect(back.0 == record)
        var plain = record
        plain.id = String(repeating: "b", count: 64)
        plain.feedbackDigest = nil
        try cache.put(plain, artifact: bytes)
        #expect(cache.get(plain.id)?.0.feedbackDigest == nil)
    }

    @Test func aRunStoppingBeforeItStartsDoesNothing() throws {
        let h = ExecutorHarness()
        let stop = CancellationFlag()
        stop.cancel()
        let (plan, report) = try h.apply([Self.iris, Self.flowers], cancellation: stop)
        #expect(plan.actions.count == 6)
        #expect(report.outcomes.map(\.condition) == [.progressing, .progressing])
        #expect(report.outcomes.map(\.message) == ["not started: shutting down", "not started: shutting down"])
        #expect(try h.store.versions(model: "iris").isEmpty)
        #expect(h.targets[directory: "deploy/iris"].publishes.isEmpty)
        #expect((report.trained, report.evaluated, report.published) == (0, 0, 0))
    }

    /// A holder whose lease was taken over while it was paused finds out at the publish's fence:
    /// the target is left untouched, and no model after it is started.
    @Test func aLostLeaseFencesThePublishAndStartsNothingMore() throws {
        let h = ExecutorHarness()
        try h.apply([Self.iris, Self.flowers])
        let champions = try (h.inService("flowers"), h.inService("iris"))
        for name in ["iris", "flowers"] { h.targets[directory: "deploy/\(name)"].drift("model.json is missing") }

        let lease = try WriterLease.acquire(store: h.store, command: "paused", duration: .seconds(30), timeout: .seconds(1), heartbeat: false)
        let other = LeaseHolder(token: "other", pid: getpid(), host: "another-host", command: "sluice apply",
                                acquiredAt: Date(), expiresAt: Date().addingTimeInterval(3600))
        #expect(try h.store.claimLease(other, now: Date().addingTimeInterval(60)) == nil)

        let (plan, report) = try h.apply([Self.iris, Self.flowers], lease: lease)
        #expect(Self.kinds(plan) == [["publish"], ["publish"]], "both drifted targets are to be repaired")
        let first = try #require(report.outcomes.first)
        #expect(first.condition == .failed)
        #expect(first.message.contains("lost the store's writer lease"), "\(first.message)")
        let second = try #require(report.outcomes.last)
        #expect(second.condition == .progressing)
        #expect(second.message.hasPrefix("not started: this process lost the store's writer lease"), "\(second.message)")
        for name in ["iris", "flowers"] {
            #expect(h.targets[directory: "deploy/\(name)"].publishes.count == 1, "only the first apply published to \(name)")
        }
        #expect(try (h.inService("flowers"), h.inService("iris")) == champions)
        #expect(report.published == 0)
    }

    @Test func aDriftedTargetIsRepairedWithoutTraining() throws {
        let h = ExecutorHarness()
        try h.apply([Self.iris])
        let champion = try #require(try h.inService("iris"))
        h.targets[directory: "deploy/iris"].drift("model.json is missing")
        let (plan, report) = try h.apply([Self.iris])
        #expect(Self.kinds(plan) == [["publish"]])
        #expect(report.outcomes.first?.condition == .ready)
        #expect((report.trained, report.published) == (0, 1))
        #expect(h.targets[directory: "deploy/iris"].publishes.count == 2)
        #expect(h.versionIn(.directory(path: "deploy/iris")) == champion)
        #expect(try Self.events(h, "iris").filter { $0 == "repaired" }.count == 1)
    }

    /// A removed model's retirement never deletes the files of the model that deploys there now.
    @Test func retiringARemovedModelLeavesTheFilesOfTheModelDeployingThereNow() throws {
        let h = ExecutorHarness()
        try h.apply([Self.iris])
        let removed = try #require(try h.inService("iris"))
        var successor = Self.retrained(Self.flowers)
        successor.deploy = .directory(path: "deploy/iris")
        let (plan, report) = try h.apply([successor])
        #expect(plan.items.map(\.model) == ["flowers", "iris"])
        let flowers = try #require(try h.inService("flowers"))
        #expect(report.outcomes.last?.condition == .retired)
        #expect(report.outcomes.last?.done
                == ["retired \(VersionIdentity.short(removed)) from directory deploy/iris, leaving the files to flowers, which deploys there now"])
        #expect(h.targets[directory: "deploy/iris"].retirements == 0)
        #expect(h.versionIn(.directory(path: "deploy/iris")) == flowers)
        #expect(try h.inService("iris") == nil, "iris is out of service")
    }

    @Test func everyRecordedTimeComesFromTheClock() throws {
        let h = ExecutorHarness()
        let start = h.clock.now
        try h.apply([Self.iris])
        let version = try #require(try h.inService("iris"))
        #expect(try h.store.version(model: "iris", id: version)?.trainedAt == start)
        #expect(try h.store.verdicts(model: "iris").map(\.evaluatedAt) == [start])
        #expect(try h.store.publications(model: "iris").map(\.publishedAt) == [start])
        let lineage = h.targets[directory: "deploy/iris"].content?.metadataJSON?["lineage"]
        let iso = ISO8601DateFormatter().string(from: start)
        #expect(lineage?["trainedAt"]?.stringValue == iso)
        #expect(lineage?["publishedAt"]?.stringValue == iso)

        h.clock.advance(3600)
        var retired = Self.iris
        retired.retired = true
        let (_, report) = try h.apply([retired])
        #expect(report.outcomes.first?.condition == .retired)
        #expect(try h.store.publications(model: "iris").map(\.retiredAt) == [start.addingTimeInterval(3600)])
        let events = try h.store.events(model: "iris", limit: 20)
        #expect(Set(events.map(\.at)) == [start, start.addingTimeInterval(3600)])
        #expect(events.filter { "\($0.kind)" == "retired" }.map(\.at) == [start.addingTimeInterval(3600)])
    }
}
