import Foundation
import GRDB
import Testing
import SluiceCore
import SluiceReconcile
@testable import SluiceController

/// Both stores keep the feedback snapshots of automatic retrains with their bytes, the snapshot a
/// version was trained on, and where the retrain loop stands; the SQLite one across a reopen and
/// from a file the previous schema wrote.
@Suite struct FeedbackStoreTests {
    /// A snapshot's canonical bytes with `n` rows.
    static func csv(_ n: Int, model: String = "iris") -> [UInt8] {
        FeedbackSnapshot(columns: ["x", "y"], rows: (0..<n).map {
            FeedbackSnapshot.Row(id: "\(model)-\($0)", row: 0, time: Double($0), part: $0 == n - 1 ? .holdout : .train, cells: ["\($0)", "a"])
        }).csv()
    }

    static func record(_ bytes: [UInt8], model: String = "iris", base: String = "base-1", at t: Double = 100) -> FeedbackSnapshotRecord {
        FeedbackSnapshotRecord(model: model, digest: SHA256.hex(of: bytes), baseVersion: base, specDigest: "spec-1", servedVersion: "v1",
                               trigger: "Degraded (LiveMetricBelowFloor): accuracy 0.7 < 0.9", trainRows: 4, holdoutRows: 1, freshRows: 5,
                               createdAt: Date(timeIntervalSince1970: t), revision: "abc")
    }

    static func event(_ message: String, model: String = "iris") -> EventRecord {
        EventRecord(at: Date(timeIntervalSince1970: 100), model: model, kind: .retrain, message: message, revision: "abc")
    }

    @Test(arguments: StoreConformanceTests.Kind.allCases)
    func snapshotsAreKeptOldestFirstWithTheirBytesPerModel(kind: StoreConformanceTests.Kind) throws {
        let (store, dir) = try StoreConformanceTests.make(kind)
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(try store.feedbackSnapshots(model: nil).isEmpty)
        let (one, two, other) = (Self.csv(5), Self.csv(6), Self.csv(5, model: "wine"))
        try store.recordFeedbackSnapshot(Self.record(two, at: 300), csv: two, events: [Self.event("retrain on 6 rows")])
        try store.recordFeedbackSnapshot(Self.record(other, model: "wine", at: 200), csv: other, events: [Self.event("retrain wine", model: "wine")])
        try store.recordFeedbackSnapshot(Self.record(one, at: 100), csv: one, events: [Self.event("retrain on 5 rows")])
        // Oldest first means in the order recorded (each is one retrain), not by createdAt.
        #expect(try store.feedbackSnapshots(model: "iris") == [Self.record(two, at: 300), Self.record(one, at: 100)])
        #expect(try store.feedbackSnapshots(model: "wine") == [Self.record(other, model: "wine", at: 200)])
        #expect(try store.feedbackSnapshots(model: nil).map(\.model) == ["iris", "wine", "iris"])
        #expect(try store.feedbackSnapshots(model: "absent").isEmpty)
        #expect(try store.feedbackSnapshot(model: "iris", digest: SHA256.hex(of: one)) == one)
        #expect(try store.feedbackSnapshot(model: "wine", digest: SHA256.hex(of: other)) == other)
        #expect(try store.events(model: "iris", limit: 10).map(\.message) == ["retrain on 6 rows", "retrain on 5 rows"])
        #expect(try store.events(model: "iris", limit: 10).map(\.kind) == [.retrain, .retrain])
        // Another model's snapshot is not this model's, even with the same bytes.
        #expect {
            try store.feedbackSnapshot(model: "wine", digest: SHA256.hex(of: one))
        } throws: { error in
            error is StoreError && "\(error)".contains("no feedback snapshot \(SHA256.hex(of: one).prefix(8))… of wine")
        }
        if kind == .sqlite {
            let reopened = try SQLiteStore(path: dir.appendingPathComponent("state.db").path, readOnly: true)
            #expect(try reopened.feedbackSnapshots(model: nil) == store.feedbackSnapshots(model: nil))
            #expect(try reopened.feedbackSnapshot(model: "iris", digest: SHA256.hex(of: two)) == two)
        }
    }

    @Test(arguments: StoreConformanceTests.Kind.allCases)
    func recordingTheSameSnapshotAgainChangesNothing(kind: StoreConformanceTests.Kind) throws {
        let (store, dir) = try StoreConformanceTests.make(kind)
        defer { try? FileManager.default.removeItem(at: dir) }
        let bytes = Self.csv(5)
        try store.recordFeedbackSnapshot(Self.record(bytes, at: 100), csv: bytes, events: [Self.event("first")])
        try store.recordFeedbackSnapshot(Self.record(bytes, at: 200), csv: bytes, events: [Self.event("again")])
        #expect(try store.feedbackSnapshots(model: "iris") == [Self.record(bytes, at: 100)])
        #expect(try store.events(model: "iris", limit: 10).map(\.message) == ["first"], "no event for a retrain that did not happen")
        // The same bytes for another model are that model's snapshot.
        try store.recordFeedbackSnapshot(Self.record(bytes, model: "wine"), csv: bytes, events: [])
        #expect(try store.feedbackSnapshots(model: nil).count == 2)
    }

    @Test(arguments: StoreConformanceTests.Kind.allCases)
    func bytesThatAreNotTheDigestsAreRefusedAndNothingIsKept(kind: StoreConformanceTests.Kind) throws {
        let (store, dir) = try StoreConformanceTests.make(kind)
        defer { try? FileManager.default.removeItem(at: dir) }
        let bytes = Self.csv(5)
        #expect {
            try store.recordFeedbackSnapshot(Self.record(bytes), csv: Self.csv(6), events: [Self.event("retrain")])
        } throws: { error in
            error is StoreError && "\(error)".contains("feedback snapshot \(SHA256.hex(of: bytes).prefix(8))… of iris")
        }
        #expect(try store.feedbackSnapshots(model: nil).isEmpty)
        #expect(try store.events(model: nil, limit: 10).isEmpty)
    }

    @Test(arguments: StoreConformanceTests.Kind.allCases)
    func aProcessThatLostTheLeaseRecordsNoSnapshot(kind: StoreConformanceTests.Kind) throws {
        let (store, dir) = try StoreConformanceTests.make(kind)
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(try store.claimLease(StoreConformanceTests.holder("b", host: "node-b", expires: 2030), now: Date(timeIntervalSince1970: 2000)) == nil)
        store.fence("a")
        let bytes = Self.csv(5)
        #expect(throws: StoreError.self) { try store.recordFeedbackSnapshot(Self.record(bytes), csv: bytes, events: [Self.event("retrain")]) }
        store.fence(nil)
        #expect(try store.feedbackSnapshots(model: nil).isEmpty)
    }

    @Test func aDamagedSnapshotInTheFileIsAStoreError() throws {
        let (store, dir) = try StoreConformanceTests.make(.sqlite)
        defer { try? FileManager.default.removeItem(at: dir) }
        let bytes = Self.csv(5)
        let digest = SHA256.hex(of: bytes)
        try store.recordFeedbackSnapshot(Self.record(bytes), csv: bytes, events: [])
        let path = dir.appendingPathComponent("state.db").path
        let db = try DatabaseQueue(path: path)
        var tampered = bytes
        tampered[tampered.count - 2] = UInt8(ascii: "b")
        try db.write { try $0.execute(sql: "UPDATE feedback_snapshots SET csv = ?", arguments: [Data(tampered)]) }
        try db.close()
        #expect {
            try store.feedbackSnapshot(model: "iris", digest: digest)
        } throws: { error in
            error is StoreError && "\(error)" == "feedback snapshot \(digest.prefix(8))… of iris in \(path) does not match its digest; the store is damaged"
        }
    }

    @Test(arguments: StoreConformanceTests.Kind.allCases)
    func aVersionsSnapshotAndTheRetrainNoteAreKept(kind: StoreConformanceTests.Kind) throws {
        let (store, dir) = try StoreConformanceTests.make(kind)
        defer { try? FileManager.default.removeItem(at: dir) }
        var retrained = StoreConformanceTests.version("v2", at: 2)
        retrained.feedbackDigest = String(repeating: "f", count: 64)
        try store.recordVersion(StoreConformanceTests.version("v1"))
        try store.recordVersion(retrained)
        #expect(try store.version(model: "iris", id: "v2") == retrained)
        #expect(try store.version(model: "iris", id: "v1")?.feedbackDigest == nil)
        let observed = try store.observe()["iris"]
        #expect(observed.versions["v2"]?.feedbackDigest == retrained.feedbackDigest)
        #expect(observed.versions["v1"] != nil && observed.versions["v1"]?.feedbackDigest == nil)

        let state = MonitorState(model: "iris", version: "v1", checkedAt: Date(timeIntervalSince1970: 200),
                                 retrain: "cooling down: the last automatic retrain was at 2026-12-01T07:00:00Z; the next may start after 2026-12-02T07:00:00Z")
        try store.recordMonitor(state, events: [EventRecord(at: Date(timeIntervalSince1970: 200), model: "iris", kind: .stalled, message: "stalled", revision: nil)])
        #expect(try store.monitorStates() == [state])
        #expect(try store.events(model: "iris", limit: 1).map(\.kind) == [.stalled])
        if kind == .sqlite {
            let reopened = try SQLiteStore(path: dir.appendingPathComponent("state.db").path, readOnly: true)
            #expect(try reopened.monitorStates() == [state])
            #expect(try reopened.observe()["iris"].versions["v2"]?.feedbackDigest == retrained.feedbackDigest)
            #expect(try reopened.versions(model: "iris") == [StoreConformanceTests.version("v1"), retrained])
        }
    }

    /// A store the previous release wrote (schema v4, with a version and a monitor state) opens,
    /// keeps what it held, and takes snapshots.
    @Test(arguments: [false, true])
    func aStoreOfThePreviousSchemaIsMigrated(readOnly: Bool) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("state.db").path
        let old = try DatabaseQueue(path: path)
        try SQLiteStore.migrator.migrate(old, upTo: "v4: monitor")
        try old.write { db in
            try db.execute(sql: """
                INSERT INTO versions (model, id, artifact_digest, inputs, manifest_digest, manifest_file, data_digest, test_digest,
                    metrics, evaluation, train_seconds, trained_at, revision)
                VALUES ('iris', 'v1', 'a-v1', '{"algorithm":{"name":"decision_tree"}}', 'm', 'manifests/iris.json', 'd', NULL,
                    '{"accuracy":0.95}', '{"labels":["a","b"]}', 0.5, 1, 'abc');
                INSERT INTO monitor_states (model, version, checked_at, problem, conditions, report) VALUES ('iris', 'v1', 200, NULL, '[]', NULL);
                """)
        }
        try old.close()
        let store = try SQLiteStore(path: path, readOnly: readOnly)
        #expect(try store.version(model: "iris", id: "v1") == StoreConformanceTests.version("v1"))
        #expect(try store.observe()["iris"].versions["v1"]?.feedbackDigest == nil)
        #expect(try store.monitorStates() == [MonitorState(model: "iris", version: "v1", checkedAt: Date(timeIntervalSince1970: 200))])
        #expect(try store.feedbackSnapshots(model: nil).isEmpty)
        let migrations = try DatabaseQueue(path: path).read { try String.fetchAll($0, sql: "SELECT identifier FROM grdb_migrations") }
        #expect(migrations == ["v1", "v2: writer lease", "v3: conditions", "v4: monitor", "v5: feedback snapshots", "v7: events by kind"])
        if !readOnly {
            let bytes = Self.csv(5)
            try store.recordFeedbackSnapshot(Self.record(bytes), csv: bytes, events: [])
            #expect(try store.feedbackSnapshot(model: "iris", digest: SHA256.hex(of: bytes)) == bytes)
        }
    }

    @Test func theCurrentSnapshotIsTheNewestOfEachModelsCurrentInputs() {
        func r(_ model: String, _ base: String, _ n: Int) -> FeedbackSnapshotRecord { Self.record(Self.csv(n, model: model), model: model, base: base) }
        let records = [r("iris", "base-1", 1), r("iris", "base-1", 2), r("wine", "w-1", 3), r("iris", "base-0", 4), r("wine", "w-0", 5)]
        let current = FeedbackSnapshotRecord.current(records, base: ["iris": "base-1", "wine": "w-1", "cancer": "c-1"])
        #expect(current == ["iris": records[1], "wine": records[2]], "newest of the matching base; a snapshot of other inputs never applies")
        #expect(FeedbackSnapshotRecord.current(records, base: ["iris": "base-9"]).isEmpty)
        #expect(records[1].input == FeedbackInput(digest: records[1].digest, trainRows: 4, holdoutRows: 1, trigger: records[1].trigger))
    }

    @Test func aDroppedSnapshotIsNeverCurrentTheOneBeforeIs() {
        func r(_ base: String, _ n: Int, dropped: Double? = nil) -> FeedbackSnapshotRecord {
            var record = Self.record(Self.csv(n), base: base)
            record.droppedAt = dropped.map(Date.init(timeIntervalSince1970:))
            return record
        }
        let records = [r("base-1", 1), r("base-1", 2), r("base-1", 3, dropped: 500)]
        #expect(FeedbackSnapshotRecord.current(records, base: ["iris": "base-1"]) == ["iris": records[1]], "back to the one before")
        let all = [r("base-1", 1, dropped: 400), r("base-1", 3, dropped: 500)]
        #expect(FeedbackSnapshotRecord.current(all, base: ["iris": "base-1"]).isEmpty, "every one dropped: the dataset alone")
    }

    @Test(arguments: StoreConformanceTests.Kind.allCases)
    func aDroppedSnapshotIsKeptWithItsBytesAndItsEventOnce(kind: StoreConformanceTests.Kind) throws {
        let (store, dir) = try StoreConformanceTests.make(kind)
        defer { try? FileManager.default.removeItem(at: dir) }
        let (one, two) = (Self.csv(5), Self.csv(6))
        try store.recordFeedbackSnapshot(Self.record(one, at: 100), csv: one, events: [])
        try store.recordFeedbackSnapshot(Self.record(two, at: 200), csv: two, events: [])
        let digest = SHA256.hex(of: two)
        func dropped(_ message: String) -> EventRecord {
            EventRecord(at: Date(timeIntervalSince1970: 300), model: "iris", kind: .dropped, message: message, revision: nil)
        }
        try store.dropFeedbackSnapshot(model: "iris", digest: digest, at: Date(timeIntervalSince1970: 300), event: dropped("dropped once"))
        // Twice: no-op (the first time stays, no second event).
        try store.dropFeedbackSnapshot(model: "iris", digest: digest, at: Date(timeIntervalSince1970: 400), event: dropped("dropped twice"))
        var expected = Self.record(two, at: 200)
        expected.droppedAt = Date(timeIntervalSince1970: 300)
        #expect(try store.feedbackSnapshots(model: "iris") == [Self.record(one, at: 100), expected])
        #expect(try store.feedbackSnapshot(model: "iris", digest: digest) == two, "the bytes are kept")
        #expect(try store.events(model: "iris", limit: 10).map(\.message) == ["dropped once"])
        #expect(try store.events(model: "iris", limit: 10).map(\.kind) == [.dropped])
        // Unknown (another model's digest too): a StoreError naming it, nothing recorded.
        #expect {
            try store.dropFeedbackSnapshot(model: "wine", digest: digest, at: Date(), event: dropped("wine"))
        } throws: { error in
            error is StoreError && "\(error)".contains("no feedback snapshot \(digest.prefix(8))… of wine")
        }
        #expect(try store.events(model: "wine", limit: 10).isEmpty)
        if kind == .sqlite {
            let reopened = try SQLiteStore(path: dir.appendingPathComponent("state.db").path, readOnly: true)
            #expect(try reopened.feedbackSnapshots(model: "iris").last?.droppedAt == Date(timeIntervalSince1970: 300))
        }
    }

    @Test(arguments: StoreConformanceTests.Kind.allCases)
    func aProcessThatLostTheLeaseDropsNothing(kind: StoreConformanceTests.Kind) throws {
        let (store, dir) = try StoreConformanceTests.make(kind)
        defer { try? FileManager.default.removeItem(at: dir) }
        let bytes = Self.csv(5)
        try store.recordFeedbackSnapshot(Self.record(bytes), csv: bytes, events: [])
        #expect(try store.claimLease(StoreConformanceTests.holder("b", host: "node-b", expires: 2030), now: Date(timeIntervalSince1970: 2000)) == nil)
        store.fence("a")
        #expect(throws: StoreError.self) {
            try store.dropFeedbackSnapshot(model: "iris", digest: SHA256.hex(of: bytes), at: Date(),
                                           event: EventRecord(at: Date(), model: "iris", kind: .dropped, message: "dropped", revision: nil))
        }
        store.fence(nil)
        #expect(try store.feedbackSnapshots(model: "iris").first?.droppedAt == nil)
        #expect(try store.events(model: "iris", limit: 10).isEmpty)
    }
}
