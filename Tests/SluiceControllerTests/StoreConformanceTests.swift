import Dispatch
import Synchronization
import Foundation
import GRDB
import Testing
import SluiceCore
import SluiceManifest
import SluiceReconcile
import TestSupport
@testable import SluiceController

/// Every store keeps the same contract: the SQLite one on a real file, the PostgreSQL one on a
/// throwaway server on 127.0.0.1 (``PostgresServer``; a fresh database per case).
@Suite struct StoreConformanceTests {
    enum Kind: String, CaseIterable, Sendable {
        case memory, sqlite, postgres

        /// Every kind; without `postgres` only when `SLUICE_SKIP_POSTGRES=1` says so (a server that
        /// cannot be started otherwise fails the PostgreSQL cases, naming why).
        static var allCases: [Kind] { PostgresServer.skipped ? [.memory, .sqlite] : [.memory, .sqlite, .postgres] }
    }

    static func make(_ kind: Kind) throws -> (any Store, URL) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        switch kind {
        case .memory: return (InMemoryStore(), dir)
        case .sqlite: return (try SQLiteStore(path: dir.appendingPathComponent("state.db").path), dir)
        case .postgres: return (try PostgresStore(uri: try PostgresServer.shared.get().freshDatabase()), dir)
        }
    }

    static func version(_ id: String, model: String = "iris", at t: Double = 1) -> VersionRecord {
        VersionRecord(model: model, id: id, artifactDigest: "a-\(id)", inputs: ["algorithm": ["name": "decision_tree"]], manifestDigest: "m",
                      manifestFile: "manifests/iris.json", dataDigest: "d", testDigest: nil, metrics: ["accuracy": 0.95],
                      evaluation: ["labels": ["a", "b"]], trainSeconds: 0.5, trainedAt: Date(timeIntervalSince1970: t), revision: "abc")
    }

    /// `spec.deploy.formats` of a publication is kept with its target, and read back alike.
    @Test(arguments: Kind.allCases)
    func aPublicationsFormatsAreKept(kind: Kind) throws {
        let (store, dir) = try Self.make(kind)
        defer { try? FileManager.default.removeItem(at: dir) }
        try store.recordVersion(Self.version("v1"))
        try store.recordPublication(PublicationRecord(model: "iris", version: "v1", deploy: .s3(url: "s3://models/iris"), formats: [.sluice, .onnx],
                                                      artifactDigest: "a-v1", publishedAt: Date(timeIntervalSince1970: 10), revision: nil, reason: "first"))
        let observed = try store.observe()["iris"].publication
        #expect(observed == Publication(version: "v1", deploy: .s3(url: "s3://models/iris"), artifactDigest: "a-v1", formats: [.sluice, .onnx]))
        #expect(try store.publications(model: "iris").first?.formats == [.sluice, .onnx])
        try store.recordPublication(PublicationRecord(model: "iris", version: "v1", deploy: .s3(url: "s3://models/iris"),
                                                      artifactDigest: "a-v1", publishedAt: Date(timeIntervalSince1970: 20), revision: nil, reason: "formats"))
        #expect(try store.observe()["iris"].publication?.formats == [.sluice])
        #expect(try store.publications(model: "iris").last?.targetJSON == ["target": "s3", "url": "s3://models/iris"], "stored as before formats existed")
    }

    @Test(arguments: Kind.allCases)
    func versionsVerdictsAndPublicationsAreObserved(kind: Kind) throws {
        let (store, dir) = try Self.make(kind)
        defer { try? FileManager.default.removeItem(at: dir) }
        try store.recordVersion(Self.version("v1"))
        try store.recordVersion(Self.version("v2", at: 2))
        try store.recordVerdict(VerdictRecord(model: "iris", version: "v1", gateDigest: "g", gate: [:], passed: true, summary: "ok",
                                              details: [], champion: nil, evaluatedAt: Date(), revision: nil))
        try store.recordPublication(PublicationRecord(model: "iris", version: "v1", deploy: .directory(path: "deploy/iris"), artifactDigest: "a-v1",
                                                      publishedAt: Date(timeIntervalSince1970: 10), revision: "abc", reason: "first"))
        try store.recordPublication(PublicationRecord(model: "iris", version: "v2", deploy: .directory(path: "deploy/iris"), artifactDigest: "a-v2",
                                                      publishedAt: Date(timeIntervalSince1970: 20), revision: "def", reason: "second"))
        let observed = try store.observe()
        #expect(Set(observed["iris"].versions.keys) == ["v1", "v2"])
        #expect(observed["iris"].verdicts["v1"]?["g"]?.passed == true)
        #expect(observed["iris"].publication?.version == "v2")
        #expect(try store.versions(model: "iris").map(\.id) == ["v1", "v2"])
        #expect(try store.version(model: "iris", id: "v1") == Self.version("v1"))
        let pubs = try store.publications(model: "iris")
        #expect(pubs.count == 2)
        #expect(pubs[0].retiredAt == Date(timeIntervalSince1970: 20), "publishing closes the previous publication")
        try store.recordRetirement(model: "iris", at: Date(timeIntervalSince1970: 30))
        #expect(try store.observe()["iris"].publication == nil)
        #expect(try store.versions(model: "iris").count == 2, "history is kept")
        #expect(try store.modelNames() == ["iris"])
    }

    @Test(arguments: Kind.allCases)
    func artifactsAreContentAddressedAndVerified(kind: Kind) throws {
        let (store, dir) = try Self.make(kind)
        defer { try? FileManager.default.removeItem(at: dir) }
        let bytes = Array("{\"model\":1}".utf8)
        let digest = try store.putArtifact(bytes)
        #expect(digest == SHA256.hex(of: bytes))
        #expect(try store.artifact(digest) == bytes)
        #expect(throws: StoreError.self) { try store.artifact(String(repeating: "0", count: 64)) }
    }

    /// A plan asks at once which of every version's artifacts the store holds.
    @Test(arguments: Kind.allCases)
    func heldArtifactsAreTheStoredOnesAmongThoseAsked(kind: Kind) throws {
        let (store, dir) = try Self.make(kind)
        defer { try? FileManager.default.removeItem(at: dir) }
        let stored = try (0..<50).map { try store.putArtifact(Array("{\"model\":\($0)}".utf8)) }
        let missing = [String(repeating: "0", count: 64), #"not "a" digest, {at} \ all"#, "NULL"]
        #expect(try store.heldArtifacts(among: Set(stored + missing)) == Set(stored))
        #expect(try store.heldArtifacts(among: Set(missing)).isEmpty)
        #expect(try store.heldArtifacts(among: []).isEmpty)
        try store.removeArtifact(stored[0])
        #expect(try store.heldArtifacts(among: Set(stored)) == Set(stored.dropFirst()))
    }

    @Test(arguments: Kind.allCases)
    func eventsComeBackInOrder(kind: Kind) throws {
        let (store, dir) = try Self.make(kind)
        defer { try? FileManager.default.removeItem(at: dir) }
        for i in 0..<5 { try store.recordEvent(EventRecord(at: Date(), model: i % 2 == 0 ? "a" : "b", kind: .trained, message: "\(i)", revision: nil)) }
        #expect(try store.events(model: "a", limit: 10).map(\.message) == ["0", "2", "4"])
        #expect(try store.events(model: nil, limit: 2).map(\.message) == ["3", "4"])
    }

    /// The Models page reads every model's publications with their versions' metrics at once: the
    /// last few per model, in publication order (a version published again appears again), by model.
    @Test(arguments: Kind.allCases)
    func publishedMetricsAreTheLastPublicationsOfEveryModelWithTheirMetrics(kind: Kind) throws {
        let (store, dir) = try Self.make(kind)
        defer { try? FileManager.default.removeItem(at: dir) }
        func publish(_ model: String, _ v: String, at t: Double) throws {
            try store.recordPublication(PublicationRecord(model: model, version: v, deploy: .directory(path: "deploy/\(model)"),
                                                          artifactDigest: "a-\(v)", publishedAt: Date(timeIntervalSince1970: t),
                                                          revision: nil, reason: "test"))
        }
        for (i, v) in ["v1", "v2", "v3"].enumerated() {
            var record = Self.version(v, at: Double(i))
            record.metrics = ["accuracy": 0.9 + Double(i) / 100, "f1_macro": 0.5]
            try store.recordVersion(record)
        }
        try store.recordVersion(Self.version("w1", model: "b-wine"))
        try publish("iris", "v1", at: 10)
        try publish("b-wine", "w1", at: 11)
        try publish("iris", "v2", at: 20)
        try publish("iris", "v3", at: 30)
        try publish("iris", "v2", at: 40)  // rolled back to v2
        try publish("c-none", "unrecorded", at: 50)
        try store.recordRetirement(model: "c-none", at: Date(timeIntervalSince1970: 60))

        let last3 = try store.publishedMetrics(lastPerModel: 3, models: nil)
        #expect(last3.map { "\($0.model)/\($0.version)" } == ["b-wine/w1", "c-none/unrecorded", "iris/v2", "iris/v3", "iris/v2"])
        #expect(last3.map { $0.metrics["accuracy"] } == [0.95, nil, 0.91, 0.92, 0.91])
        #expect(last3.map { $0.retiredAt == nil } == [true, false, false, false, true], "only each model's newest publication may be open")
        #expect(last3[2].publishedAt == Date(timeIntervalSince1970: 20) && last3[2].retiredAt == Date(timeIntervalSince1970: 30))
        #expect(last3[1].metrics.isEmpty, "a version the store has no record of has no metrics")
        #expect(try store.publishedMetrics(lastPerModel: 10, models: nil).filter { $0.model == "iris" }.map(\.version) == ["v1", "v2", "v3", "v2"])
        #expect(try store.publishedMetrics(lastPerModel: 0, models: nil).isEmpty)
        // Only the models asked for (a page of the Models page), each with its own last ones.
        #expect(try store.publishedMetrics(lastPerModel: 10, models: ["iris"]) == store.publishedMetrics(lastPerModel: 10, models: nil).filter { $0.model == "iris" })
        #expect(try store.publishedMetrics(lastPerModel: 10, models: []).isEmpty)
        #expect(try store.publishedMetrics(lastPerModel: 2, models: ["iris", "no-such-model"]).map(\.version) == ["v3", "v2"])
    }

    static func holder(_ token: String, pid: Int32 = getpid(), host: String = LeaseHolder.hostName, expires: Double) -> LeaseHolder {
        LeaseHolder(token: token, pid: pid, host: host, command: "sluice run", acquiredAt: Date(timeIntervalSince1970: 1000),
                    expiresAt: Date(timeIntervalSince1970: expires))
    }

    @Test(arguments: Kind.allCases)
    func theWriterLeaseHasOneHolderUntilItExpiresOrIsReleased(kind: Kind) throws {
        let (store, dir) = try Self.make(kind)
        defer { try? FileManager.default.removeItem(at: dir) }
        let now = Date(timeIntervalSince1970: 2000)
        let a = Self.holder("a", host: "node-a", expires: 2030)
        #expect(try store.claimLease(a, now: now) == nil)
        // Another host's claim waits while A's lease is valid, and is told who holds it.
        let b = Self.holder("b", host: "node-b", expires: 2030)
        #expect(try store.claimLease(b, now: now)?.token == "a")
        // A renews; the start of its holding is kept.
        var renewed = a
        renewed.expiresAt = Date(timeIntervalSince1970: 2060)
        renewed.acquiredAt = now
        #expect(try store.claimLease(renewed, now: now) == nil)
        #expect(try store.leaseHolder()?.acquiredAt == a.acquiredAt)
        #expect(try store.claimLease(b, now: Date(timeIntervalSince1970: 2059))?.token == "a")
        // After the expiry B takes it over; A's writes are then fenced off.
        store.fence("a")
        #expect(try store.claimLease(b, now: Date(timeIntervalSince1970: 2061)) == nil)
        #expect(throws: StoreError.self) { try store.recordVersion(Self.version("late")) }
        #expect(try store.versions(model: "iris").isEmpty)
        store.fence(nil)
        // Releasing with a stale token changes nothing; the holder's own release frees it.
        try store.releaseLease(token: "a")
        #expect(try store.leaseHolder()?.token == "b")
        try store.releaseLease(token: "b")
        #expect(try store.leaseHolder() == nil)
    }

    /// A holder paused past its lease: another process took it over and then released it. The
    /// old holding is over; renewing never writes its token back (what the heartbeat did, D5).
    @Test(arguments: Kind.allCases)
    func aLeaseTakenOverIsNeverRenewedNorWrittenBack(kind: Kind) throws {
        let (store, dir) = try Self.make(kind)
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(try store.claimLease(Self.holder("a", host: "node-a", expires: 2030), now: Date(timeIntervalSince1970: 2000)) == nil)
        // A renews while it holds the lease, also once it expired if nobody took it.
        #expect(try store.renewLease(token: "a", until: Date(timeIntervalSince1970: 2060)) == .renewed)
        #expect(try store.leaseHolder()?.expiresAt == Date(timeIntervalSince1970: 2060))
        // B takes it over after the expiry: A's renewal fails and names B.
        let b = Self.holder("b", host: "node-b", expires: 2200)
        #expect(try store.claimLease(b, now: Date(timeIntervalSince1970: 2100)) == nil)
        #expect(try store.renewLease(token: "a", until: Date(timeIntervalSince1970: 2300)) == .lost(b))
        #expect(try store.leaseHolder() == b)
        // B lets go: A's renewal still fails, and the lease stays free.
        try store.releaseLease(token: "b")
        #expect(try store.renewLease(token: "a", until: Date(timeIntervalSince1970: 2300)) == .lost(nil))
        #expect(try store.leaseHolder() == nil)
        // A's writes stay fenced off.
        store.fence("a")
        #expect(throws: StoreError.self) { try store.recordVersion(Self.version("late")) }
        store.fence(nil)
    }

    /// A late clock (a publish whose time was taken before a long write, or another host's) never
    /// makes a publication end before it starts.
    @Test(arguments: Kind.allCases)
    func aPublicationNeverEndsBeforeItStarts(kind: Kind) throws {
        let (store, dir) = try Self.make(kind)
        defer { try? FileManager.default.removeItem(at: dir) }
        func publish(_ v: String, at t: Double) throws {
            try store.recordPublication(PublicationRecord(model: "iris", version: v, deploy: .directory(path: "deploy/iris"),
                                                          artifactDigest: "a-\(v)", publishedAt: Date(timeIntervalSince1970: t),
                                                          revision: nil, reason: "test"))
        }
        try publish("c", at: 20)
        try publish("b", at: 10)
        try store.recordRetirement(model: "iris", at: Date(timeIntervalSince1970: 5))
        let pubs = try store.publications(model: "iris")
        #expect(pubs.map(\.version) == ["c", "b"])
        for p in pubs {
            let end = try #require(p.retiredAt)
            #expect(end >= p.publishedAt, "\(p.version) from \(p.publishedAt) until \(end)")
        }
    }

    @Test(arguments: Kind.allCases)
    func aLeaseOfADeadProcessOnThisHostIsTakenAtOnce(kind: Kind) throws {
        let (store, dir) = try Self.make(kind)
        defer { try? FileManager.default.removeItem(at: dir) }
        let now = Date(timeIntervalSince1970: 2000)
        #expect(try store.claimLease(Self.holder("dead", pid: 4_194_303, expires: 9999), now: now) == nil)
        #expect(try store.claimLease(Self.holder("live", expires: 2030), now: now) == nil)
        // But a live process's lease is not.
        #expect(try store.claimLease(Self.holder("other", expires: 2030), now: now)?.token == "live")
    }

    @Test func sqliteStoreUsesWALAndMigratesOnce() throws {
        let (store, dir) = try Self.make(.sqlite)
        defer { try? FileManager.default.removeItem(at: dir) }
        try store.recordVersion(Self.version("v1"))
        let path = dir.appendingPathComponent("state.db").path
        let reopened = try SQLiteStore(path: path)
        #expect(try reopened.versions(model: "iris").count == 1)
        let queue = try DatabaseQueue(path: path)
        let mode = try queue.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") }
        #expect(mode == "wal")
        let migrations = try queue.read { try String.fetchAll($0, sql: "SELECT identifier FROM grdb_migrations") }
        #expect(migrations == ["v1", "v2: writer lease", "v3: conditions", "v4: monitor", "v5: feedback snapshots", "v7: events by kind"])
    }

    /// A controller starting while `sluice status` runs: both open a store that does not exist
    /// yet, and both must find it created and migrated, once.
    @Test func openingANewStoreFromManyConnectionsAtOnceMigratesItOnce() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-store-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("state.db").path
        let failures = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            do { _ = try SQLiteStore(path: path) } catch { failures.withLock { $0.append("\(error)") } }
        }
        #expect(failures.withLock { $0 }.isEmpty)
        let migrations = try DatabaseQueue(path: path).read { try String.fetchAll($0, sql: "SELECT identifier FROM grdb_migrations") }
        #expect(migrations == ["v1", "v2: writer lease", "v3: conditions", "v4: monitor", "v5: feedback snapshots", "v7: events by kind"])
    }

    @Test func sqliteStoreRejectsAFileThatIsNotADatabase() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("state.db").path
        try Data(String(repeating: "not sqlite ", count: 20).utf8).write(to: URL(fileURLWithPath: path))
        do {
            _ = try SQLiteStore(path: path)
            Issue.record("opening a text file as a store must fail")
        } catch {
            #expect("\(error)".contains("is not a SQLite database"))
        }
    }

    @Test func fileDigestsAreCachedUntilTheFileChanges() throws {
        let (store, dir) = try Self.make(.sqlite)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("data.csv")
        try Data("a,b\n1,2\n".utf8).write(to: file)
        // Make the file old enough to be cached (racy-git rule).
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -60)], ofItemAtPath: file.path)
        let digester = FileDigester(store: store)
        let first = try digester.digest(file.path)
        #expect(first == SHA256.hex(of: Array("a,b\n1,2\n".utf8)))
        let stamp = try #require(try FileDigester.stamp(file.path))
        #expect(try store.cachedDigest(path: file.path, stamp: stamp) == first)
        try Data("a,b\n1,3\n".utf8).write(to: file)
        #expect(try digester.digest(file.path) == SHA256.hex(of: Array("a,b\n1,3\n".utf8)), "a changed file is hashed again")
        #expect(try digester.digest(dir.appendingPathComponent("missing.csv").path) == nil)
    }
}
