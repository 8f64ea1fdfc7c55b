import Foundation
import GRDB
import Testing
import SluiceCore
import SluiceManifest
import SluiceMonitor
import SluiceReconcile
@testable import SluiceController

/// Every store takes another store's records as they were (`sluice store copy`): publication ids
/// and retirement times that `recordPublication` could not give, events in their order whatever
/// their times, snapshots with their bytes and drop times; only into a store without model records.
@Suite struct StoreImportTests {
    typealias Kind = StoreConformanceTests.Kind

    /// Records no sequence of ordinary writes gives: publication ids with a gap, a publication
    /// retired before the next one started, events out of time order, a dropped snapshot.
    static func records() -> StoreRecords {
        let csv = FeedbackStoreTests.csv(3)
        var snapshot = FeedbackStoreTests.record(csv, at: 300)
        snapshot.droppedAt = Date(timeIntervalSince1970: 350.25)
        let deploy = DeploySpec.directory(path: "deploy/iris")
        return StoreRecords(
            versions: [StoreConformanceTests.version("v2", at: 2), StoreConformanceTests.version("v1"),
                       StoreConformanceTests.version("w1", model: "wine", at: 1.5)],
            verdicts: [VerdictRecord(model: "iris", version: "v1", gateDigest: "g", gate: ["rules": []], passed: true, summary: "ok",
                                     details: ["rows": 30], champion: nil, evaluatedAt: Date(timeIntervalSince1970: 5.125), revision: "abc"),
                       VerdictRecord(model: "iris", version: "v2", gateDigest: "g", gate: ["rules": []], passed: false, summary: "accuracy 0.5 < 0.9",
                                     details: [], champion: "v1", evaluatedAt: Date(timeIntervalSince1970: 6), revision: nil)],
            publications: [
                PublicationRecord(id: 1, model: "iris", version: "v1", deploy: deploy, artifactDigest: "a-v1", publishedAt: Date(timeIntervalSince1970: 10),
                                  retiredAt: Date(timeIntervalSince1970: 15.5), revision: "abc", reason: "first"),
                PublicationRecord(id: 2, model: "wine", version: "w1", deploy: .directory(path: "deploy/wine"), artifactDigest: "a-w1",
                                  publishedAt: Date(timeIntervalSince1970: 11), revision: nil, reason: "new model"),
                PublicationRecord(id: 5, model: "iris", version: "v1", deploy: deploy, artifactDigest: "a-v1", publishedAt: Date(timeIntervalSince1970: 20),
                                  retiredAt: Date(timeIntervalSince1970: 25), revision: "def", reason: "back"),
            ],
            events: [EventRecord(at: Date(timeIntervalSince1970: 9), model: "wine", kind: .trained, message: "second in time, first in order", revision: nil),
                     EventRecord(at: Date(timeIntervalSince1970: 3), model: "iris", kind: .published, message: "first in time", revision: "abc"),
                     EventRecord(at: Date(timeIntervalSince1970: 3), model: "iris", kind: .retired, message: "same time, after", revision: "abc")],
            conditions: [ConditionRecord(model: "iris", condition: "rejected", message: "gate failed", version: nil,
                                         since: Date(timeIntervalSince1970: 7), checkedAt: Date(timeIntervalSince1970: 30), revision: "def")],
            monitorStates: [MonitorStoreTests.state],
            feedbackSnapshots: [StoreRecords.Snapshot(record: snapshot, csv: csv)])
    }

    @Test(arguments: Kind.allCases)
    func importedRecordsReadBackAsTheyWere(kind: Kind) throws {
        let (store, dir) = try StoreConformanceTests.make(kind)
        defer { try? FileManager.default.removeItem(at: dir) }
        let records = Self.records()
        try store.importRecords(records)
        #expect(try StoreRecords.read(from: store) == records)
        #expect(try store.publications(model: "iris").map(\.retiredAt) == [Date(timeIntervalSince1970: 15.5), Date(timeIntervalSince1970: 25)])
        #expect(try store.events(model: nil, limit: 10).map(\.message) == ["second in time, first in order", "first in time", "same time, after"])
        #expect(try store.feedbackSnapshots(model: "iris").first?.droppedAt == Date(timeIntervalSince1970: 350.25))
        #expect(try store.observe()["wine"].publication?.version == "w1")

        // What is recorded afterwards follows what was imported.
        try store.recordPublication(PublicationRecord(model: "iris", version: "v2", deploy: .directory(path: "deploy/iris"), artifactDigest: "a-v2",
                                                      publishedAt: Date(timeIntervalSince1970: 40), revision: nil, reason: "later"))
        #expect(try store.publications(model: "iris").map(\.id) == [1, 5, 6])
        try store.recordEvent(EventRecord(at: Date(timeIntervalSince1970: 1), model: "iris", kind: .trained, message: "later", revision: nil))
        #expect(try store.events(model: nil, limit: 1).map(\.message) == ["later"])
    }

    @Test(arguments: Kind.allCases)
    func aStoreHoldingModelRecordsImportsNothing(kind: Kind) throws {
        let (store, dir) = try StoreConformanceTests.make(kind)
        defer { try? FileManager.default.removeItem(at: dir) }
        try store.recordConditions([ConditionRecord(model: "other", condition: "ready", message: "", version: "x",
                                                    since: Date(timeIntervalSince1970: 1), checkedAt: Date(timeIntervalSince1970: 1), revision: nil)])
        let before = try StoreRecords.read(from: store)
        #expect(throws: StoreError.self) { try store.importRecords(Self.records()) }
        #expect(try StoreRecords.read(from: store) == before)
    }

    @Test(arguments: Kind.allCases)
    func aSnapshotWhoseBytesAreNotItsDigestImportsNothing(kind: Kind) throws {
        let (store, dir) = try StoreConformanceTests.make(kind)
        defer { try? FileManager.default.removeItem(at: dir) }
        var records = Self.records()
        records.feedbackSnapshots[0].csv += Array("x".utf8)
        #expect(throws: StoreError.self) { try store.importRecords(records) }
        #expect(try StoreRecords.read(from: store).isEmpty)
    }

    /// The whole copy between two kinds of store: records and artifacts, then again (no change).
    @Test(arguments: [(Kind.sqlite, Kind.memory), (Kind.memory, Kind.sqlite)] + (Kind.allCases.contains(.postgres) ? [(Kind.sqlite, Kind.postgres)] : []))
    func aCopyCarriesRecordsAndArtifactsAndAgainChangesNothing(from: Kind, to: Kind) throws {
        let (source, sourceDir) = try StoreConformanceTests.make(from)
        let (destination, destinationDir) = try StoreConformanceTests.make(to)
        defer {
            try? FileManager.default.removeItem(at: sourceDir)
            try? FileManager.default.removeItem(at: destinationDir)
        }
        try source.importRecords(Self.records())
        let digest = try source.putArtifact(Array("{\"artifact\":1}".utf8))
        let first = try StoreCopy.run(from: source, to: destination, sourceLabel: "source", destinationLabel: "destination")
        #expect(first.recordsCopied && first.artifactsCopied == 1 && first.artifacts == [digest: 14])
        #expect(try StoreRecords.read(from: destination) == Self.records())
        #expect(try destination.artifact(digest) == Array("{\"artifact\":1}".utf8))
        let again = try StoreCopy.run(from: source, to: destination, sourceLabel: "source", destinationLabel: "destination")
        #expect(!again.recordsCopied && again.artifactsCopied == 0)
    }

    /// A copy killed while it copied artifacts leaves some artifacts and no record: the next one finishes it.
    @Test(arguments: Kind.allCases)
    func aCopyKilledAmongTheArtifactsIsFinishedByTheNext(to: Kind) throws {
        let (source, sourceDir) = try StoreConformanceTests.make(.sqlite)
        let (destination, destinationDir) = try StoreConformanceTests.make(to)
        defer {
            try? FileManager.default.removeItem(at: sourceDir)
            try? FileManager.default.removeItem(at: destinationDir)
        }
        try source.importRecords(Self.records())
        let first = try source.putArtifact(Array("one".utf8)), second = try source.putArtifact(Array("two".utf8))
        _ = try destination.putArtifact(Array("one".utf8))
        let summary = try StoreCopy.run(from: source, to: destination, sourceLabel: "source", destinationLabel: "destination")
        #expect(summary.recordsCopied && summary.artifactsCopied == 1 && Set(summary.artifacts.keys) == [first, second])
        #expect(try destination.artifact(second) == Array("two".utf8))
        #expect(try StoreRecords.read(from: destination) == Self.records())
    }

    /// The tables `sluice store copy` carries (as ``StoreRecords``, and the PostgreSQL store's
    /// artifacts by digest) and those it leaves behind on purpose: the file-digest cache (paths of
    /// one machine), the writer lease (a holding of one process), the migrations (each store's own),
    /// and the replicas' work queue (PostgreSQL's `work`: claims of running processes and backoff
    /// that the leader's first cycle on the destination builds again from its plan).
    static let copiedTables: Set = ["versions", "verdicts", "publications", "events", "conditions", "monitor_states", "feedback_snapshots"]
    static let tablesLeftBehind: Set = ["file_digests", "lease", "work"]
    /// The tables only the PostgreSQL store has.
    static let postgresOnly: Set = ["work"]

    /// A table added to a store fails here until the copy carries it (``StoreRecords``,
    /// ``Store/importRecords(_:)``) or it is named above as left behind, with the reason.
    @Test(arguments: [Kind.sqlite] + (Kind.allCases.contains(.postgres) ? [Kind.postgres] : []))
    func everyTableIsCopiedOrLeftBehindOnPurpose(kind: Kind) throws {
        let (store, dir) = try StoreConformanceTests.make(kind)
        defer { try? FileManager.default.removeItem(at: dir) }
        let tables: Set<String>
        switch store {
        case let sqlite as SQLiteStore:
            let queue = try DatabaseQueue(path: sqlite.path)
            tables = Set(try queue.read { db in
                try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name != 'grdb_migrations'")
            })
        case let postgres as PostgresStore:
            let rows = try postgres.connection.exec("SELECT table_name FROM information_schema.tables WHERE table_schema = 'sluice'").rows
            tables = Set(try rows.map { try $0.string("table_name") }).subtracting(["sluice_migrations", "artifacts"])
        default:
            Issue.record("no tables to list in \(kind)")
            return
        }
        #expect(tables == Self.copiedTables.union(Self.tablesLeftBehind).subtracting(kind == .postgres ? [] : Self.postgresOnly))
    }

    @Test func aSourceInUseByALiveProcessIsNotCopied() throws {
        let source = InMemoryStore(), destination = InMemoryStore()
        try source.importRecords(Self.records())
        let now = Date()
        _ = try source.claimLease(LeaseHolder(token: "t", pid: getpid(), host: LeaseHolder.hostName, command: "sluice run",
                                              acquiredAt: now, expiresAt: now.addingTimeInterval(30)), now: now)
        let error = #expect(throws: StoreError.self) {
            try StoreCopy.run(from: source, to: destination, sourceLabel: "sqlite:a.db", destinationLabel: "postgres://h/b", now: now)
        }
        let message = error.map { "\($0)" } ?? ""
        #expect(message.contains("the store sqlite:a.db is in use") && message.contains("sluice run"), "\(message)")
        #expect(try StoreRecords.read(from: destination).isEmpty)
        // Once that lease has expired (its holder gone), the copy goes ahead.
        _ = try StoreCopy.run(from: source, to: destination, sourceLabel: "sqlite:a.db", destinationLabel: "postgres://h/b",
                              now: now.addingTimeInterval(31))
        #expect(try StoreRecords.read(from: destination) == Self.records())
    }
}
