import Foundation
import Logging
import Synchronization
import Testing
import SluiceCore
import SluiceManifest
import SluiceReconcile
@testable import SluiceController

/// A holder paused past its writer lease resumes in the middle of a publish, after another
/// process took the store over: it must write nothing, to the target or to the store (D5).
/// The pause is the test's own: the takeover happens between two calls, with no clock and no sleep.
@Suite struct LeaseFencingTests {
    @Test(arguments: StoreConformanceTests.Kind.allCases)
    func aHolderThatLostTheLeaseWritesNothingAndNeverGetsItBack(kind: StoreConformanceTests.Kind) throws {
        let (store, dir) = try StoreConformanceTests.make(kind)
        defer { try? FileManager.default.removeItem(at: dir) }
        let losses = Mutex(0)
        let lease = try WriterLease.acquire(store: store, command: "paused", duration: .seconds(30), timeout: .seconds(1),
                                            heartbeat: false) { _ in losses.withLock { $0 += 1 } }
        for id in ["v1", "v2"] {
            var v = StoreConformanceTests.version(id)
            v.artifactDigest = try store.putArtifact(Array("{\"artifact\":\"\(id)\"}".utf8))
            try store.recordVersion(v)
        }
        let reconciler = Reconciler(configuration: .init(root: dir), store: store, logger: Logger(label: "test"))
        let executor = PlanExecutor(store: store, data: reconciler.data, targets: reconciler.targets, logger: Logger(label: "test"),
                                revision: nil, lease: lease)
        let deploy = dir.appendingPathComponent("deploy/iris")
        try executor.publish("iris", version: "v1", to: .directory(path: "deploy/iris"), reason: Reason(.firstVersion, "first"), manifest: nil)
        #expect(FileManager.default.fileExists(atPath: deploy.appendingPathComponent("model.json").path))

        // Another process takes the lease over once it expired, and publishes its own model.
        let other = LeaseHolder(token: "other", pid: getpid(), host: "another-host", command: "sluice apply",
                                acquiredAt: Date(), expiresAt: Date().addingTimeInterval(3600))
        #expect(try store.claimLease(other, now: Date().addingTimeInterval(60)) == nil)
        let theirs = Data("{\"theirs\":true}".utf8)
        try theirs.write(to: deploy.appendingPathComponent("model.json"))

        // The paused holder resumes and publishes v2: refused before the rename.
        do {
            try executor.publish("iris", version: "v2", to: .directory(path: "deploy/iris"), reason: Reason(.replacesChampion, "stale"), manifest: nil)
            Issue.record("a holder that lost the lease published")
        } catch {
            #expect("\(error)".contains("lost the store's writer lease"), "\(error)")
        }
        #expect(try Data(contentsOf: deploy.appendingPathComponent("model.json")) == theirs)
        #expect(try FileManager.default.contentsOfDirectory(atPath: deploy.path).sorted() == ["metadata.json", "model.json"],
                "no temporary file is left behind")
        #expect(try store.publications(model: "iris").map(\.version) == ["v1"], "nothing is recorded")
        // Retiring is fenced too.
        #expect(throws: StoreError.self) { try reconciler.targets.target(.directory(path: "deploy/iris")).retire(fence: executor.fence) }
        #expect(FileManager.default.fileExists(atPath: deploy.appendingPathComponent("model.json").path))
        #expect(executor.stopReason?.contains("lost the store's writer lease") == true, "no new model is started")

        // The other process lets go: the old holding stays lost and its token is never written back.
        try store.releaseLease(token: "other")
        #expect(throws: StoreError.self) { try lease.confirm() }
        #expect(try store.leaseHolder() == nil)
        #expect(losses.withLock { $0 } == 1)
        // Writing again takes a new holding, with a new token.
        let again = try WriterLease.acquire(store: store, command: "resumed", duration: .seconds(30), timeout: .seconds(1), heartbeat: false)
        #expect(again.token != lease.token)
        #expect(try store.leaseHolder()?.token == again.token)
        again.release()
    }
}
