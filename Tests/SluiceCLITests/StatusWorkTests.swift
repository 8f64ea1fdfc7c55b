import Foundation
import Testing
import SluiceController
import SluiceCore
import TestSupport
@testable import sluice

/// `status` on a store whose replicas share a work queue: where each model stands in it, in the
/// words of someone waiting for a model (the sentence is pure, ``StatusWork``; the command reads
/// a real PostgreSQL store whose queue a test replica filled).
@Suite struct StatusWorkTests {
    static let now = Date(timeIntervalSince1970: 1_764_583_200) // 2025-12-01T10:00:00Z
    static var iso: ISO8601DateFormatter { ISO8601DateFormatter() }

    static func entry(holder: String? = nil, claimedAt: Double? = nil, leaseUntil: Double? = nil, notBefore: Double = -60,
                      failures: Int = 0, lastError: String? = nil, doneAt: Double? = nil) -> WorkEntry {
        WorkEntry(model: "iris", actions: "train, evaluate, publish", revision: "abc", enqueuedAt: now.addingTimeInterval(-75),
                  notBefore: now.addingTimeInterval(notBefore), failures: failures, lastError: lastError,
                  doneAt: doneAt.map { now.addingTimeInterval($0) }, holder: holder, leaseUntil: leaseUntil.map { now.addingTimeInterval($0) },
                  fence: 3, claims: 1, claimedAt: claimedAt.map { now.addingTimeInterval($0) })
    }

    static func sentence(_ e: WorkEntry) -> String? { StatusWork.sentence(e, now: now, iso) }

    @Test func aQueuedModelSaysWhatIsToBeDoneAndForHowLong() {
        #expect(Self.sentence(Self.entry()) == "queued (train, evaluate, publish) for 75 s")
        #expect(Self.sentence(Self.entry(failures: 2, lastError: "cannot read data/iris.csv:\nno such file"))
            == "queued (train, evaluate, publish) for 75 s; failed 2 times so far: cannot read data/iris.csv: no such file",
            "its backoff is over: claimable now, its failures still said")
    }

    @Test func aClaimedModelNamesItsReplicaAndLease() {
        #expect(Self.sentence(Self.entry(holder: "node-b pid 4242", claimedAt: -30, leaseUntil: 48))
            == "worked on by node-b pid 4242 since 2025-12-01T09:59:30Z, lease until 2025-12-01T10:00:48Z (in 48 s)")
        #expect(StatusWork.state(Self.entry(holder: "node-b pid 4242", claimedAt: -30, leaseUntil: 48), now: Self.now) == .working)
    }

    @Test func aClaimWhoseLeaseRanOutSaysItIsTakenOver() {
        let e = Self.entry(holder: "node-b pid 4242", claimedAt: -300, leaseUntil: -200)
        #expect(StatusWork.state(e, now: Self.now) == .lapsed)
        #expect(Self.sentence(e) == "was worked on by node-b pid 4242 since 2025-12-01T09:55:00Z; its lease ran out at "
            + "2025-12-01T09:56:40Z (3 min ago): another replica takes it over")
    }

    @Test func aFailedModelSaysWhenItIsRetriedAndWhy() {
        #expect(Self.sentence(Self.entry(notBefore: 29.2, failures: 1, lastError: "the gate rejected it"))
            == "retrying in 30 s (failed once: the gate rejected it)")
        #expect(Self.sentence(Self.entry(notBefore: 3 * 3600, failures: 4, lastError: nil)) == "retrying in 3 h (failed 4 times)")
    }

    @Test func finishedWorkSaysNothing() {
        #expect(Self.sentence(Self.entry(doneAt: -5)) == nil)
        #expect(StatusWork.json(Self.entry(doneAt: -5), now: Self.now, Self.iso) == .null)
        #expect(StatusWork.json(nil, now: Self.now, Self.iso) == .null)
    }

    @Test func spansReadAsAPersonWouldSayThem() {
        #expect(StatusWork.span(-3) == "0 s")
        #expect(StatusWork.span(0.2) == "1 s")
        #expect(StatusWork.span(119) == "119 s")
        #expect(StatusWork.span(121) == "2 min")
        #expect(StatusWork.span(7300) == "2 h")
        #expect(StatusWork.span(.greatestFiniteMagnitude).hasSuffix(" h"))
    }

    @Test func theJSONOfAClaimedEntry() throws {
        let json = StatusWork.json(Self.entry(holder: "node-b pid 4242", claimedAt: -30, leaseUntil: 48), now: Self.now, Self.iso)
        #expect(json["state"] == "working")
        #expect(json["holder"] == "node-b pid 4242")
        #expect(json["actions"] == .strings(["train", "evaluate", "publish"]))
        #expect(json["claimedAt"] == "2025-12-01T09:59:30Z")
        #expect(json["leaseUntil"] == "2025-12-01T10:00:48Z")
        #expect(json["notBefore"] == .null)
        #expect(json["failures"]?.intValue == 0)
        #expect(json["summary"]?.stringValue?.hasPrefix("worked on by node-b pid 4242") == true)
    }

    /// The real binary against a PostgreSQL store whose queue a replica (this test, through
    /// ``PostgresStore``) filled: one model queued, one worked on, one backing off, one finished.
    @Test(.enabled(if: !PostgresServer.skipped, "SLUICE_SKIP_POSTGRES=1"))
    func statusShowsEachModelsPlaceInTheReplicasQueue() throws {
        let uri = try PostgresServer.shared.get().freshDatabase()
        let box = try Sandbox()
        #expect(try box.run("apply", "--store", uri).status == 0)
        let replica = try PostgresStore(uri: uri)
        let now = Date()
        #expect(try replica.claimLease(LeaseHolder(token: "leader", pid: 1, host: "node-a", command: WorkClaim.replicaMark + "sluice run", acquiredAt: now,
                                                   expiresAt: now.addingTimeInterval(600)), now: now) == nil)
        let items = ["iris", "penguins", "wine", "zoo"].map {
            WorkItem(model: $0, fingerprint: "f", revision: "abc", actions: $0 == "iris" ? "publish" : "train, evaluate, publish")
        }
        _ = try replica.enqueue(items, observedAt: try replica.serverTime(), leader: "leader")
        // iris, penguins, wine claimed (by name); penguins fails, wine is finished; zoo stays queued.
        let claims = try replica.claim(limit: 3, holder: "node-b pid 4242", lease: .seconds(600))
        #expect(claims.map(\.model) == ["iris", "penguins", "wine"])
        try replica.finish(claims[1], failure: WorkFailure(message: "cannot read data/penguins.csv: no such file", retryAfter: 900))
        try replica.finish(claims[2], failure: nil)

        let text = try box.run("status", "--store", uri)
        #expect(text.status == 0, "\(text.output)")
        let lines = text.stdout.split(separator: "\n").map(String.init)
        func block(after model: String) -> [String] {
            Array(lines.drop { !$0.hasPrefix(model + "  ") }.dropFirst().prefix { $0.hasPrefix("    ") })
        }
        #expect(block(after: "iris").contains { $0.hasPrefix("    work: worked on by node-b pid 4242 since ") && $0.contains(", lease until ") }, "\(text.stdout)")
        #expect(block(after: "penguins").contains { $0.hasPrefix("    work: retrying in ") && $0.hasSuffix(" (failed once: cannot read data/penguins.csv: no such file)") },
                "\(text.stdout)")
        #expect(block(after: "zoo").contains { $0.hasPrefix("    work: queued (train, evaluate, publish) for ") }, "\(text.stdout)")
        #expect(lines.contains("zoo  unknown"), "a model only the queue knows is listed: \(text.stdout)")
        #expect(!lines.contains { $0.hasPrefix("wine") }, "finished work of a model the store has nothing else about: \(text.stdout)")

        let json = try JSONParser.parse(try box.run("status", "--store", uri, "--json").stdout).value
        let models = Dictionary(uniqueKeysWithValues: (json["models"]?.arrayValue ?? []).map { ($0["name"]?.stringValue ?? "", $0) })
        #expect(models["iris"]?["condition"] == "ready")
        #expect(models["iris"]?["work"]?["state"] == "working")
        #expect(models["iris"]?["work"]?["holder"] == "node-b pid 4242")
        #expect(models["iris"]?["work"]?["actions"] == .strings(["publish"]))
        #expect(models["penguins"]?["work"]?["state"] == "retrying")
        #expect(models["penguins"]?["work"]?["failures"]?.intValue == 1)
        #expect(models["penguins"]?["work"]?["notBefore"]?.stringValue != nil)
        #expect(models["penguins"]?["message"]?.stringValue?.contains("the replicas have not finished") == true)
        #expect(models["zoo"]?["work"]?["state"] == "queued")
        #expect(models["wine"] == nil)

        // Once the work is finished, nothing more is said about it.
        try replica.finish(claims[0], failure: nil)
        let after = try JSONParser.parse(try box.run("status", "--store", uri, "--json").stdout).value
        let iris = try #require(after["models"]?.arrayValue?.first { $0["name"] == "iris" })
        #expect(iris["work"] == .null)
        #expect(!(try box.run("status", "--store", uri).stdout.contains("worked on by")))
    }

    /// A store without a queue (SQLite) says nothing about work.
    @Test func aSQLiteStoreHasNoWork() throws {
        let box = try Sandbox()
        #expect(try box.run("apply").status == 0)
        let json = try JSONParser.parse(try box.run("status", "--json").stdout).value
        #expect(json["models"]?.arrayValue?.first?["work"] == .null)
        #expect(!(try box.run("status").stdout.contains("work:")))
    }
}
