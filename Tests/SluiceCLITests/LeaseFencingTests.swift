import Foundation
import Testing
import SluiceCore
import SluiceController

/// A `sluice run` paused (SIGSTOP) past its writer lease while `apply` takes the store over: the
/// real binary, real signals, a real SQLite store. What was D5 of the reliability attack.
@Suite struct LeaseFencingTests {
    /// What the controller logs when it finds out.
    static let lost = "lost the store's writer lease; stopping work"

    /// Waits, without a fixed sleep, until the lease the store shows has expired.
    func waitForExpiry(_ store: SQLiteStore) -> Bool {
        waitUntil(timeout: 20) {
            guard let holder = try? store.leaseHolder() else { return true }
            return holder.expiresAt < Date()
        }
    }

    @Test func aControllerPausedPastItsLeaseNoticesTheTakeoverAndTakesANewLease() throws {
        let s = try Sandbox()
        let c = try ControllerProcess(s, ["--interval", "60", "--listen", "127.0.0.1:0", "--lease-duration", "1", "--log-level", "debug"])
        let port = try c.port()
        let base = "http://127.0.0.1:\(port)"
        #expect(waitUntil(timeout: 60) { (try? http("GET", base + "/readyz"))?.status == 200 }, "\(c.output)")
        let store = try SQLiteStore(path: s.url(".sluice/state.db").path)
        let first = try #require(try store.leaseHolder()).token
        let before = try #require(s.publishedVersion("deploy/iris"))

        // Paused past its lease; `apply` takes the store over, publishes a changed model and lets go.
        kill(c.process.processIdentifier, SIGSTOP)
        #expect(waitForExpiry(store))
        try s.edit("manifests/iris.json") { $0.set("spec.algorithm.params.nEstimators", 20) }
        let apply = try s.run("apply", "--lock-timeout", "20")
        #expect(apply.status == 0, "\(apply.output)")
        let applied = try #require(s.publishedVersion("deploy/iris"))
        #expect(applied != before)
        #expect(try store.leaseHolder() == nil, "apply released the lease")

        // Resumed: it notices the loss, and holds the lease again only under a new token.
        kill(c.process.processIdentifier, SIGCONT)
        #expect(waitUntil(timeout: 20) { c.output.contains(Self.lost) }, "\(c.output)")
        #expect(waitUntil(timeout: 20) { c.output.components(separatedBy: "holding the store's writer lease").count == 3 }, "\(c.output)")
        let second = try #require(try store.leaseHolder())
        #expect(second.token != first, "the old token is never written back")
        #expect(second.pid == c.process.processIdentifier)
        #expect(waitUntil(timeout: 30) { (try? http("GET", base + "/readyz"))?.status == 200 }, "\(c.output)")
        #expect(s.publishedVersion("deploy/iris") == applied, "what apply published stays")
        #expect(c.process.isRunning)

        // Paused again; this time another holder keeps the lease: unready, alive, and it writes nothing.
        kill(c.process.processIdentifier, SIGSTOP)
        #expect(waitForExpiry(store))
        let other = try WriterLease.acquire(store: store, command: "test holder", duration: .seconds(60), timeout: .seconds(10))
        kill(c.process.processIdentifier, SIGCONT)
        #expect(waitUntil(timeout: 20) { c.output.components(separatedBy: Self.lost).count == 3 }, "\(c.output)")
        let unready = try http("GET", base + "/readyz")
        #expect(unready.status == 503 && unready.body.contains("lost the store's writer lease"), "\(unready)")
        #expect(try http("GET", base + "/healthz").status == 200)
        #expect(try store.leaseHolder()?.token == other.token)
        other.release()
        #expect(waitUntil(timeout: 30) { (try? http("GET", base + "/readyz"))?.status == 200 }, "\(c.output)")
        #expect(try store.leaseHolder()?.token != second.token)

        // The history never holds a publication that ends before it starts.
        for p in try store.publications(model: "iris") {
            if let end = p.retiredAt { #expect(end >= p.publishedAt, "\(p)") }
        }
        #expect(s.publishedVersion("deploy/iris") == applied)
        #expect(c.signal(SIGTERM)?.status == 0, "\(c.output)")
    }

    /// `apply` whose lease is taken over while it trains (its holding made to look expired to the
    /// new holder, as after a pause): it stops, records and publishes nothing, and says why.
    @Test func applyThatLosesItsLeaseFailsSayingSoAndWritesNothing() throws {
        let s = try Sandbox()
        try s.remove("manifests/iris.json")
        try s.writeSlowDataset("data/slow.csv")
        try s.write("manifests/slow.json", s.manifest(name: "slow", algorithm: "random_forest", params: ["nEstimators": 400],
                                                       gate: ["accuracy": ["min": 0.1]], source: "data/slow.csv")
            .replacingOccurrences(of: "\"species\"", with: "\"label\""))
        let apply = try ControllerProcess(s, ["-v"], name: "apply", command: "apply")
        #expect(waitUntil(timeout: 60) { apply.output.contains("plan.action=train") }, "\(apply.output)")
        let store = try SQLiteStore(path: s.url(".sluice/state.db").path)
        let taker = LeaseHolder(token: "taker", pid: getpid(), host: LeaseHolder.hostName, command: "test",
                                acquiredAt: Date(), expiresAt: Date().addingTimeInterval(3600))
        #expect(try store.claimLease(taker, now: Date().addingTimeInterval(600)) == nil)
        apply.process.waitUntilExit()
        #expect(apply.process.terminationStatus == 1, "\(apply.output)")
        #expect(apply.output.contains("lost the store's writer lease"), "\(apply.output)")
        #expect(apply.output.contains("Another process reconciles the store now"), "\(apply.output)")
        #expect(!s.exists("deploy/slow/model.json"))
        #expect(try store.versions(model: "slow").isEmpty)
        #expect(try store.leaseHolder()?.token == "taker", "the lease is not taken back")
    }
}
