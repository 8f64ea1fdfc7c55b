import Foundation
import Logging
import Testing
import SluiceController
import SluiceReconcile
import SluiceTesting

/// `Controller.cycle` in process: a scratch repository, an in-memory store, a directory deploy
/// target, and a fixed clock moved on by hand — backoffs are waited out without sleeping.
@Suite struct ControllerCycleTests {
    /// A controller over a scratch repository, its store, and the clock it reads.
    struct Fixture {
        let repository: ScratchRepository
        let store: InMemoryStore
        let clock = FixedClock()
        let controller: Controller
        /// The source, when it is a fake one.
        let fake: FakeSource?

        /// - Parameter failingSource: whether the manifests come from a ``FakeSource`` that cannot be
        ///   reached (until told otherwise), rather than a directory source.
        init(failingSource: Bool = false) throws {
            repository = try ScratchRepository()
            store = InMemoryStore()
            var options = Controller.Options()
            options.concurrency = 1
            options.retry = RetryPolicy(base: 5, cap: 300)
            let root = repository.root
            fake = failingSource ? FakeSource(root: root, failure: "connection refused") : nil
            controller = Controller(options: options, source: fake ?? DirectorySource(root: root, manifests: "manifests"),
                                    store: store, root: root, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }),
                                    clock: clock)
        }

        /// The condition the store recorded for `model` by the last cycle.
        func recorded(_ model: String = "iris") throws -> ConditionRecord? {
            try store.conditions().first { $0.model == model }
        }
    }

    /// A dataset whose digest resolves but which cannot be trained from: it has no `species` column.
    static let corrupt = "sepal_length,sepal_width\n5.1,3.5\n4.9,3.0\n"

    @Test func aFirstCycleTrainsAndPublishesAndASecondChangesNothing() throws {
        let f = try Fixture()
        f.controller.cycle(reason: .start)
        var status = f.controller.status
        #expect(status.cycles == 1)
        #expect(status.lastError == nil)
        #expect(status.lastRevision == nil, "a directory source has no revision")
        #expect(status.conditions == ["iris": .ready])
        #expect(!status.isReady, "ready needs the writer lease, which this cycle ran without")
        let versions = try f.store.versions(model: "iris")
        #expect(versions.count == 1)
        #expect(try f.store.activePublications().map(\.model) == ["iris"])
        #expect(try f.recorded()?.condition == "ready")
        #expect(try f.recorded()?.checkedAt == f.clock.now, "the condition is stamped with the controller's clock")
        let model = try #require(f.repository.bytes("deploy/iris/model.json"))
        let readySince = try #require(try f.recorded()?.since)

        f.clock.advance(60)
        f.controller.cycle(reason: .interval)
        status = f.controller.status
        #expect(status.cycles == 2)
        #expect(status.lastError == nil)
        #expect(status.conditions == ["iris": .ready])
        #expect(try f.store.versions(model: "iris") == versions, "nothing is trained again")
        #expect(try f.store.publications(model: "iris").count == 1, "nothing is published again")
        #expect(f.repository.bytes("deploy/iris/model.json") == model)
        #expect(try f.recorded()?.checkedAt == f.clock.now, "checked by this cycle, by the controller's clock")
        // The cycle that published and the one that found nothing to do say the same of the model,
        // so it has been ready since the first (a changed message would restart `since`).
        #expect(try f.recorded()?.since == readySince)
        #expect(try f.recorded()?.message.hasPrefix("version ") == true)
    }

    @Test func aFailedModelWaitsForItsBackoffAndIsTriedAgainOnceItPassed() throws {
        let f = try Fixture()
        try f.repository.write("data/iris.csv", Self.corrupt)
        f.controller.cycle(reason: .start)
        #expect(f.controller.status.conditions == ["iris": .failed])
        #expect(f.controller.status.lastError == nil, "a failed model is the model's condition, not the cycle's error")
        let error = try #require(try f.recorded()?.message)
        #expect(error.contains("species"), "\(error)")
        #expect(!error.contains("retrying"), "the first failure is an attempt: \(error)")

        // Within the backoff (5 s after one failure), the model is held back: no attempt.
        for (advance, wait) in [(0.0, 5), (4.0, 1)] {
            f.clock.advance(advance)
            f.controller.cycle(reason: .interval)
            #expect(f.controller.status.conditions == ["iris": .failed])
            #expect(try f.recorded()?.message == "\(error) (failed 1 time; retrying in \(wait) s, or at once when its manifest, data or revision changes)")
        }

        // Once it has passed, the model is tried again (and fails again: the wait doubles).
        f.clock.advance(1)
        f.controller.cycle(reason: .interval)
        #expect(try f.recorded()?.message == error, "tried again")
        f.controller.cycle(reason: .interval)
        let again = try f.recorded()?.message ?? ""
        #expect(again.contains("(failed 2 times; retrying in 10 s"), "\(again)")
        #expect(try f.store.versions(model: "iris").isEmpty)
        #expect(!f.repository.exists("deploy/iris"))
    }

    @Test func aChangedManifestReleasesTheHoldAtOnce() throws {
        let f = try Fixture()
        try f.repository.write("data/broken.csv", Self.corrupt)
        try f.repository.write("manifests/iris.json", ScratchRepository.manifest(name: "iris", source: "data/broken.csv"))
        f.controller.cycle(reason: .start)
        f.controller.cycle(reason: .interval)
        #expect(try f.recorded()?.message.contains("(failed 1 time; retrying in 5 s") == true, "held back")

        // The clock has not moved: the fix is tried at once.
        try f.repository.write("manifests/iris.json", ScratchRepository.manifest(name: "iris"))
        f.controller.cycle(reason: .interval)
        #expect(f.controller.status.conditions == ["iris": .ready])
        #expect(f.repository.exists("deploy/iris/model.json"))
    }

    @Test func changedDataReleasesTheHoldAtOnce() throws {
        let f = try Fixture()
        try f.repository.write("data/iris.csv", Self.corrupt)
        f.controller.cycle(reason: .start)
        f.controller.cycle(reason: .interval)
        #expect(try f.recorded()?.message.contains("(failed 1 time; retrying in 5 s") == true, "held back")

        try FileManager.default.removeItem(at: f.repository.url("data/iris.csv"))
        try FileManager.default.copyItem(at: ScratchRepository.package.appendingPathComponent("examples/data/iris.csv"),
                                         to: f.repository.url("data/iris.csv"))
        f.controller.cycle(reason: .interval)
        #expect(f.controller.status.conditions == ["iris": .ready])
    }

    @Test func aNewCommitReleasesTheHoldAtOnceAndIsTheLastRevision() throws {
        let f = try Fixture()
        try f.repository.write("data/iris.csv", Self.corrupt)
        let first = try f.repository.commit("data without its target")
        f.controller.cycle(reason: .start)
        #expect(f.controller.status.lastRevision == first)
        let error = try #require(try f.recorded()?.message)
        f.controller.cycle(reason: .interval)
        #expect(try f.recorded()?.message.contains("(failed 1 time; retrying in 5 s") == true, "held back")

        // The manifest and the data are as they were; the commit is new: tried at once.
        try f.repository.write("NOTES.md", "a new commit\n")
        let second = try f.repository.commit("notes")
        f.controller.cycle(reason: .interval)
        #expect(f.controller.status.lastRevision == second)
        #expect(try f.recorded()?.message == error, "tried again")
        #expect(try f.recorded()?.revision == second)
    }

    @Test func anUnreachableSourceBacksOffAndTheCycleReportsIt() throws {
        let f = try Fixture(failingSource: true)
        let fake = try #require(f.fake)

        f.controller.cycle(reason: .start)
        #expect(fake.syncs == 1)
        #expect(f.controller.status.lastError == "connection refused; retrying in 5 s")
        #expect(f.controller.status.cycles == 0)
        #expect(try f.store.conditions().isEmpty, "nothing is reconciled without a desired state")

        // Interval cycles within the backoff do not try.
        f.clock.advance(3)
        f.controller.cycle(reason: .interval)
        #expect(fake.syncs == 1)
        #expect(f.controller.status.lastError == "fake source \(f.repository.root.path) is unavailable (failed 1 time); retrying in 2 s")

        // Past it, they do; the next wait is twice as long.
        f.clock.advance(2)
        f.controller.cycle(reason: .interval)
        #expect(fake.syncs == 2)
        #expect(f.controller.status.lastError == "connection refused; retrying in 10 s")

        // A trigger tries at once; the source is back, and the cycle reconciles.
        fake.fail(nil)
        f.controller.cycle(reason: .triggered("POST /reconcile"))
        #expect(fake.syncs == 3)
        #expect(f.controller.status.lastError == nil)
        #expect(f.controller.status.cycles == 1)
        #expect(f.controller.status.conditions == ["iris": .ready])

        // Once it has a state, a failing source is backed off from, and its last state reconciled.
        fake.fail("connection reset")
        f.controller.cycle(reason: .interval)
        #expect(fake.syncs == 4)
        #expect(f.controller.status.lastError == nil)
        #expect(f.controller.status.cycles == 2)
        f.controller.cycle(reason: .interval)
        #expect(fake.syncs == 4, "backing off")
        #expect(f.controller.status.cycles == 3)
    }

    @Test func aCycleUnderTheLeaseMakesTheControllerReady() throws {
        let f = try Fixture()
        let lease = try WriterLease.acquire(store: f.store, command: "test", duration: .seconds(30), timeout: .zero,
                                            heartbeat: false, clock: f.clock)
        defer { lease.release() }
        #expect(!f.controller.status.isReady)
        f.controller.cycle(reason: .start, lease: lease)
        let status = f.controller.status
        #expect(status.holdsLease && status.cyclesHolding == 1 && status.isReady)
        #expect(status.conditions == ["iris": .ready])
    }

    /// A cycle that reads no desired state (the manifests directory gone, or holding no manifest)
    /// retires nothing, and the controller says it is not ready, with the reason, until a cycle
    /// reads the manifests again.
    @Test func aCycleThatReadsNoManifestsLeavesTheControllerNotReady() throws {
        let f = try Fixture()
        let lease = try WriterLease.acquire(store: f.store, command: "test", duration: .seconds(30), timeout: .zero,
                                            heartbeat: false, clock: f.clock)
        defer { lease.release() }
        f.controller.cycle(reason: .start, lease: lease)
        #expect(f.controller.status.isReady)
        let manifests = f.repository.root.appendingPathComponent("manifests")
        let aside = f.repository.root.appendingPathComponent("manifests.aside")
        try FileManager.default.moveItem(at: manifests, to: aside)

        f.controller.cycle(reason: .interval, lease: lease)
        var status = f.controller.status
        #expect(!status.isReady)
        #expect(status.lastError?.contains("the manifests directory does not exist") == true, "\(status.lastError ?? "nil")")
        #expect(try f.store.activePublications().map(\.model) == ["iris"], "nothing is retired")

        try FileManager.default.createDirectory(at: manifests, withIntermediateDirectories: false)
        f.controller.cycle(reason: .interval, lease: lease)
        status = f.controller.status
        #expect(!status.isReady)
        #expect(status.lastError?.contains("holds no manifest") == true, "\(status.lastError ?? "nil")")
        #expect(try f.store.activePublications().map(\.model) == ["iris"], "nothing is retired")

        try FileManager.default.removeItem(at: manifests)
        try FileManager.default.moveItem(at: aside, to: manifests)
        f.controller.cycle(reason: .interval, lease: lease)
        #expect(f.controller.status.isReady)
        #expect(f.controller.status.lastError == nil)
    }

    @Test func aCycleUnderALeaseTakenOverRecordsNothingAndSaysSo() throws {
        let f = try Fixture()
        let lease = try WriterLease.acquire(store: f.store, command: "paused", duration: .seconds(30), timeout: .zero,
                                            heartbeat: false, clock: f.clock)
        defer { lease.release() }
        // The holder is paused past its lease (by the clock), and another process takes the store over.
        f.clock.advance(31)
        let other = LeaseHolder(token: "other", pid: 1, host: "another-host", command: "sluice apply",
                                acquiredAt: f.clock.now, expiresAt: f.clock.now.addingTimeInterval(30))
        #expect(try f.store.claimLease(other, now: f.clock.now) == nil, "the lease expired by the clock it was taken with")

        f.controller.cycle(reason: .interval, lease: lease)
        let status = f.controller.status
        let lost = try #require(status.lastError)
        #expect(lost.contains("lost the store's writer lease"), "\(lost)")
        #expect(lost.contains("another-host"), "\(lost)")
        #expect(status.cycles == 0 && !status.holdsLease && !status.isReady)
        #expect(status.leaseLost == lost)
        #expect(try f.store.versions(model: "iris").isEmpty, "nothing is recorded")
        #expect(try f.store.conditions().isEmpty, "nothing is recorded")
        #expect(!f.repository.exists("deploy/iris/model.json"), "nothing is published")
    }

    /// With nothing to change, no write fails for the loss to show in: the cycle must still find
    /// it, rather than count as complete under a lease another process holds.
    @Test func aConvergedCycleUnderALeaseTakenOverIsNotCounted() throws {
        let f = try Fixture()
        let lease = try WriterLease.acquire(store: f.store, command: "paused", duration: .seconds(30), timeout: .zero,
                                            heartbeat: false, clock: f.clock)
        defer { lease.release() }
        f.controller.cycle(reason: .start, lease: lease)
        #expect(f.controller.status.isReady)
        let recorded = try f.store.conditions()

        f.clock.advance(31)
        let other = LeaseHolder(token: "other", pid: 1, host: "another-host", command: "sluice apply",
                                acquiredAt: f.clock.now, expiresAt: f.clock.now.addingTimeInterval(30))
        #expect(try f.store.claimLease(other, now: f.clock.now) == nil)
        f.controller.cycle(reason: .interval, lease: lease)
        let status = f.controller.status
        #expect(status.lastError?.contains("lost the store's writer lease") == true, "\(status)")
        #expect(status.cycles == 1 && !status.holdsLease && !status.isReady)
        #expect(try f.store.conditions() == recorded, "nothing is recorded")
    }
}
