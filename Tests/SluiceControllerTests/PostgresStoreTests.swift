import Dispatch
import Foundation
import Synchronization
import Testing
import SluiceCore
import TestSupport
@testable import SluiceController

/// What only the PostgreSQL store has: its schema and migrations in the server, artifacts as
/// rows, bytes and times that survive the trip, the order SQLite gives, and its errors.
/// The contract it shares with the other stores is in ``StoreConformanceTests`` and the suites
/// parameterised like it.
@Suite(.enabled(if: !PostgresServer.skipped, "SLUICE_SKIP_POSTGRES=1"))
struct PostgresStoreTests {
    static func database() throws -> String { try PostgresServer.shared.get().freshDatabase() }

    @Test func aStoreIsMigratedOnceAndReopened() throws {
        let uri = try Self.database()
        let store = try PostgresStore(uri: uri)
        try store.recordVersion(StoreConformanceTests.version("v1"))
        let again = try PostgresStore(uri: uri)
        #expect(try again.versions(model: "iris") == [StoreConformanceTests.version("v1")])
        let raw = try PGConnection(uri: uri)
        let applied = try raw.exec("SELECT identifier FROM sluice.sluice_migrations ORDER BY identifier").rows.map { try $0.string("identifier") }
        #expect(applied == ["v1", "v2: writer lease", "v3: conditions", "v4: monitor", "v5: feedback snapshots", "v6: work queue", "v7: events by kind"])
        let readOnly = try PostgresStore(uri: uri, readOnly: true)
        #expect(try readOnly.versions(model: "iris").count == 1)
    }

    @Test func connectionsGiveUpOnALostServerUnlessTheURISaysOtherwise() {
        #expect(PGConnection.withTimeouts("postgres://u@h:5/db") ==
                "postgres://u@h:5/db?connect_timeout=10&keepalives_count=3&keepalives_idle=30&keepalives_interval=10&tcp_user_timeout=60000")
        #expect(PGConnection.withTimeouts("postgres://u@h/db?sslmode=require&connect_timeout=3") ==
                "postgres://u@h/db?sslmode=require&connect_timeout=3&keepalives_count=3&keepalives_idle=30&keepalives_interval=10&tcp_user_timeout=60000")
        #expect(PGConnection.withTimeouts("host=h dbname=db keepalives_idle=5") ==
                "host=h dbname=db keepalives_idle=5 connect_timeout=10 keepalives_count=3 keepalives_interval=10 tcp_user_timeout=60000")
    }

    @Test func aDatabaseWithoutAStoreIsMissingForReadOnlyCommands() throws {
        let uri = try Self.database()
        #expect(throws: StoreMissing.self) { try PostgresStore(uri: uri, readOnly: true) }
        // Nothing was created by looking.
        let raw = try PGConnection(uri: uri)
        #expect(try raw.exec("SELECT 1 FROM information_schema.schemata WHERE schema_name = 'sluice'").cells.isEmpty)
    }

    /// Every byte value, a large artifact, exact times and text in any script come back as they went in.
    @Test func bytesTimesAndTextSurviveTheTrip() throws {
        let store = try PostgresStore(uri: try Self.database())
        let every = (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 8) }
        let large = [UInt8](repeating: 0, count: 3_000_000) + every
        for bytes in [every, large, []] {
            let digest = try store.putArtifact(bytes)
            #expect(try store.artifact(digest) == bytes)
            #expect(store.hasArtifact(digest))
            #expect(try store.storedArtifacts()[digest] == Int64(bytes.count))
        }
        var v = StoreConformanceTests.version("v1")
        v.trainedAt = Date(timeIntervalSince1970: 1_764_579_600.123456789)
        v.trainSeconds = 1e-300
        v.manifestFile = "manifests/ïris ✓ \"quoted\" 'single' \\ back.json"
        v.metrics = ["accuracy": 0.1 + 0.2, "tiny": Double.leastNonzeroMagnitude]
        try store.recordVersion(v)
        #expect(try store.version(model: "iris", id: "v1") == v)
    }

    /// Names sort by their bytes, as in SQLite, whatever the database's collation (here ICU's
    /// English, which would put "a" before "B").
    @Test func orderIsByBytesAsInSQLite() throws {
        let store = try PostgresStore(uri: try PostgresServer.shared.get().freshDatabase(icuLocale: "en-US"))
        for (i, model) in ["b", "B", "a", "é", "A-1", "a_1"].enumerated() {
            try store.recordEvent(EventRecord(at: Date(timeIntervalSince1970: Double(i)), model: model, kind: .trained, message: "m", revision: nil))
        }
        #expect(try store.modelNames() == ["A-1", "B", "a", "a_1", "b", "é"])
    }

    @Test func aDamagedArtifactOrSnapshotIsAStoreError() throws {
        let uri = try Self.database()
        let store = try PostgresStore(uri: uri)
        let bytes = Array("{\"model\":1}".utf8)
        let digest = try store.putArtifact(bytes)
        let raw = try PGConnection(uri: uri)
        try raw.exec("UPDATE sluice.artifacts SET bytes = $1", [.bytes(Array("{\"model\":2}".utf8))])
        #expect {
            try store.artifact(digest)
        } throws: { error in
            error is StoreError && "\(error)".contains("is corrupt: its sha256 is \(SHA256.hex(of: Array("{\"model\":2}".utf8)))")
        }
        #expect(throws: StoreError.self) { try store.artifact(String(repeating: "0", count: 64)) }
        let csv = FeedbackStoreTests.csv(5)
        try store.recordFeedbackSnapshot(FeedbackStoreTests.record(csv), csv: csv, events: [])
        var tampered = csv
        tampered[tampered.count - 2] = UInt8(ascii: "b")
        try raw.exec("UPDATE sluice.feedback_snapshots SET csv = $1", [.bytes(tampered)])
        let snapshot = SHA256.hex(of: csv)
        #expect {
            try store.feedbackSnapshot(model: "iris", digest: snapshot)
        } throws: { error in
            error is StoreError && "\(error)".hasSuffix("does not match its digest; the store is damaged")
        }
    }

    /// The server's own refusal reaches the user with the URI (never its password) and what to check.
    @Test func aServerThatRefusesIsNamedWithoutThePassword() throws {
        let server = try PostgresServer.shared.get()
        let uri = "postgres://nobody:s3cret@127.0.0.1:\(server.port)/no_such_database"
        #expect {
            try PostgresStore(uri: uri)
        } throws: { error in
            let text = "\(error)"
            return error is StoreError && text.contains("postgres://nobody:***@127.0.0.1:\(server.port)/no_such_database")
                && !text.contains("s3cret") && text.contains("check the --store URI")
        }
    }

    /// Processes claiming a free lease at the same moment (each its own connection, as separate
    /// hosts would): exactly one wins, and the lease names it.
    @Test func concurrentClaimsOfAFreeLeaseHaveOneWinner() throws {
        let uri = try Self.database()
        let stores = try (0..<6).map { _ in try PostgresStore(uri: uri) }
        for round in 0..<5 {
            let winners = Mutex<[String]>([])
            let failures = Mutex<[String]>([])
            DispatchQueue.concurrentPerform(iterations: stores.count) { i in
                let claimant = LeaseHolder(token: "r\(round)-\(i)", pid: 1, host: "node-\(i)", command: "sluice run",
                                           acquiredAt: Date(timeIntervalSince1970: 1000), expiresAt: Date(timeIntervalSince1970: 5000))
                do {
                    if try stores[i].claimLease(claimant, now: Date(timeIntervalSince1970: 2000)) == nil {
                        winners.withLock { $0.append(claimant.token) }
                    }
                } catch {
                    failures.withLock { $0.append("\(error)") }
                }
            }
            let won = winners.withLock { $0 }
            #expect(failures.withLock { $0 }.isEmpty)
            #expect(won.count == 1, "round \(round): \(won)")
            #expect(try stores[0].leaseHolder()?.token == won.first)
            if let token = won.first { try stores[0].releaseLease(token: token) }
        }
    }

    /// The server ends the store's session (a restart, an administrator, an idle timeout): the next
    /// calls run on a new session, with the store's settings (its schema) set again.
    @Test func aLostSessionIsOpenedAgain() throws {
        let uri = try Self.database()
        let store = try PostgresStore(uri: uri)
        try store.recordVersion(StoreConformanceTests.version("v1"))
        let raw = try PGConnection(uri: uri)
        for round in 0..<2 {
            let ended = try raw.exec("""
                SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()
                """)
            #expect(ended.cells.count == 1, "round \(round): the store's one session was ended")
            #expect(try store.versions(model: "iris").count == 1 + round)
            try store.recordVersion(StoreConformanceTests.version("v\(round + 2)", at: Double(round + 2)))
        }
        #expect(try store.versions(model: "iris").map(\.id) == ["v1", "v2", "v3"])
    }

    /// A statement the server rejects carries its SQLSTATE.
    @Test func serverErrorsCarryTheirSQLState() throws {
        let raw = try PGConnection(uri: try Self.database())
        #expect {
            try raw.exec("SELECT * FROM no_such_table")
        } throws: { error in
            (error as? PGError)?.sqlState == "42P01" && "\(error)".contains("no_such_table")
        }
    }
}
