import Foundation
import Testing
import SluiceCore
import TestSupport
@testable import SluiceController

/// The store side of the replicas' fencing (issue 15): a write about a model whose claim has run
/// out and been taken over is refused by the database, whatever the writer believes. Two
/// `PostgresStore`s on one database stand for two replicas. (`ReplicaTests` shows the same with
/// real processes; there the paused replica's heartbeat finds the loss before it writes, so the
/// refusal itself is shown here.)
@Suite(.enabled(if: !PostgresServer.skipped, "SLUICE_SKIP_POSTGRES=1"))
struct ClaimFencingTests {
    static let model = "iris"

    /// A database with the model queued by a leader, and two replicas' stores on it.
    static func queued() throws -> (first: PostgresStore, second: PostgresStore) {
        let uri = try PostgresServer.shared.get().freshDatabase()
        let first = try PostgresStore(uri: uri), second = try PostgresStore(uri: uri)
        let lease = try WriterLease.acquire(store: first, command: "test leader", duration: .seconds(30), timeout: .seconds(5),
                                            heartbeat: false, fencesStore: false)
        defer { lease.release() }
        let queued = try first.enqueue([WorkItem(model: model, fingerprint: "f1", revision: "abc", actions: "train, evaluate, publish")],
                                       observedAt: try first.serverTime(), leader: lease.token)
        #expect(queued == 1)
        return (first, second)
    }

    static func publication(_ version: String) -> PublicationRecord {
        PublicationRecord(model: model, version: version, deploy: .directory(path: "deploy/iris"), artifactDigest: "a-\(version)",
                          publishedAt: Date(), revision: "abc", reason: "first version")
    }

    static func event(_ kind: EventKind, _ message: String) -> EventRecord {
        EventRecord(at: Date(), model: model, kind: kind, message: message, revision: "abc")
    }

    @Test func writesUnderAClaimThatRanOutAndWasTakenOverAreRefused() throws {
        let (first, second) = try Self.queued()
        let claims = try first.claim(limit: 5, holder: "first", lease: .seconds(1))
        let mine = try #require(claims.first)
        #expect(claims.count == 1 && mine.model == Self.model && mine.takenOverFrom == nil)
        first.fence(model: Self.model, token: mine.token)
        // Under a live claim, writes about the model are recorded.
        try first.recordEvent(Self.event(.trained, "under the claim"))
        #expect(try second.claim(limit: 5, holder: "second", lease: .seconds(30)).isEmpty, "a live claim is not claimed again")

        // The claim runs out (by the server's clock) and the second replica takes the model over.
        let deadline = Date().addingTimeInterval(10)
        while try #require(try second.workEntries().first?.leaseUntil) >= second.serverTime(), Date() < deadline { usleep(50_000) }
        let taken = try second.claim(limit: 5, holder: "second", lease: .seconds(30))
        #expect(taken.map(\.model) == [Self.model])
        #expect(taken.first?.takenOverFrom == "first")
        #expect(try #require(taken.first).fence > mine.fence, "fencing numbers grow")
        second.fence(model: Self.model, token: taken[0].token)

        // The first replica's late writes about the model are refused, each of them, and record nothing.
        let lost = WorkClaim.lostMessage(Self.model)
        let late: [(String, () throws -> Void)] = [
            ("version", { try first.recordVersion(StoreConformanceTests.version("late")) }),
            ("verdict", { try first.recordVerdict(VerdictRecord(model: Self.model, version: "late", gateDigest: "g", gate: [:], passed: true,
                                                                summary: "ok", details: [], champion: nil, evaluatedAt: Date(), revision: nil)) }),
            ("publication", { try first.recordPublication(Self.publication("late")) }),
            ("event", { try first.recordEvent(Self.event(.published, "late")) }),
            ("retirement", { try first.recordRetirement(model: Self.model, at: Date()) }),
        ]
        for (what, write) in late {
            #expect(throwsMessage(write).contains(lost), "a late \(what) is refused")
        }
        #expect(throwsMessage { try first.finish(mine, failure: nil) }.contains(lost), "a late finish is refused")
        #expect(try first.renew(claims, lease: .seconds(30)).isEmpty, "a lost claim is not renewed")

        // The new holder's writes go through, and the store holds only theirs.
        try second.recordVersion(StoreConformanceTests.version("v1"))
        try second.recordPublication(Self.publication("v1"))
        try second.finish(taken[0], failure: nil)
        #expect(try second.versions(model: Self.model).map(\.id) == ["v1"])
        #expect(try second.publications(model: Self.model).map(\.version) == ["v1"])
        #expect(try second.events(model: Self.model, limit: 10).map(\.message) == ["under the claim"])
        let entry = try #require(try second.workEntries().first)
        #expect(entry.doneAt != nil && entry.holder == nil && entry.claims == 2)
    }

    /// What `body` throws, as text; empty when it does not throw.
    func throwsMessage(_ body: () throws -> Void) -> String {
        do { try body() } catch { return "\(error)" }
        return ""
    }
}
