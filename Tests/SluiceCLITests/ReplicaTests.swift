import Foundation
import Testing
import SluiceCore
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Replicas of `sluice run` sharing one PostgreSQL store (issue 15's must-show tests): real
/// processes of the debug binary, a real PostgreSQL on loopback, real signals. Every wait polls
/// the store, the logs or `/metrics` until a condition holds or a deadline passes.
///
/// Serialized: each case runs two or three replicas that train, and the claims' 3 s leases must
/// be renewed in time on a shared machine.
@Suite(.serialized, .enabled(if: !PostgresServer.skipped, "SLUICE_SKIP_POSTGRES=1"))
struct ReplicaTests {
    /// Whether a replica's log says it started carrying out the training of `model`.
    static func trains(_ replica: Replica, _ model: String) -> Bool {
        replica.output.split(separator: "\n").contains { line in
            line.contains("carrying out action") && line.contains(" model.name=\(model) ") && line.contains(" plan.action=train ")
        }
    }

    /// A sandbox with the shipped data and no manifest.
    static func emptySandbox() throws -> Sandbox {
        let box = try Sandbox()
        try box.remove("manifests/iris.json")
        return box
    }

    /// Starts `count` replicas and waits until each is ready.
    static func start(_ count: Int, _ box: Sandbox, _ uri: String, extra: [String] = []) throws -> [Replica] {
        let replicas = try (1...count).map { try Replica(box, store: uri, name: "replica\($0)", extra: extra) }
        for r in replicas {
            guard waitUntil(timeout: 60, { r.isReady }) else { throw TestFailure("\(r.name) never became ready:\n\(r.output)") }
        }
        return replicas
    }

    /// Every replica's log, for a failure's message.
    /// `count` replicas whose manifests come from a git repository (the shipped iris, committed),
    /// each with a root of its own, as on hosts of their own.
    /// The replicas' box holds their roots and logs: keep it while they run.
    static func startFromGit(_ count: Int, _ uri: String, extra: [String] = []) throws -> (repo: Sandbox, box: Sandbox, replicas: [Replica]) {
        let repo = try Sandbox()
        try repo.commitAll()
        let box = try Sandbox(shipped: false)
        let replicas = try (1...count).map { n in
            try FileManager.default.createDirectory(at: box.url("host\(n)"), withIntermediateDirectories: true)
            return try Replica(box, store: uri, name: "replica\(n)", extra: ["--root", box.url("host\(n)").path, "--git", repo.root.path] + extra)
        }
        return (repo, box, replicas)
    }

    static func logs(_ replicas: [Replica]) -> String {
        replicas.map { "=== \($0.name) (pid \($0.pid))\n\($0.output)" }.joined(separator: "\n")
    }

    @Test func threeReplicasShareThirtyModelsEachTrainedAndPublishedOnce() throws {
        let server = try PostgresServer.shared.get()
        let uri = try server.freshDatabase()
        let store = StoreProbe(server: server, uri: uri)
        let box = try Self.emptySandbox()
        // (--allow-empty: no manifest yet is the desired state, not an error that keeps them unready.)
        let replicas = try Self.start(3, box, uri, extra: ["--allow-empty"])
        defer { for r in replicas { r.stop() } }

        // Written once all three wait for work: the leader queues the thirty models at once.
        let names = (1...30).map { String(format: "m%02d", $0) }
        for name in names {
            try box.write("manifests/\(name).json", box.manifest(name: name, algorithm: "random_forest", params: ["nEstimators": 10]))
        }
        let converged = waitUntil(timeout: 90) { (try? store.published()) == Set(names) }
        #expect(converged, "published: \((try? store.published()) ?? [])\n\(Self.logs(replicas))")

        let expected = Dictionary(uniqueKeysWithValues: names.map { ($0, 1) })
        #expect(try store.versions() == expected, "one version of each model")
        #expect(try store.events("trained") == expected, "each version trained once")
        #expect(try store.events("published") == expected, "each version published once")
        #expect(try store.publications() == expected)
        for r in replicas {
            let claims = r.metric("sluice_claims_total") ?? 0
            #expect(claims > 0, "\(r.name) did some of the work:\n\(r.output)")
        }
        let total = replicas.compactMap { $0.metric("sluice_claims_finished_total{result=\"succeeded\"}") }.reduce(0, +)
        #expect(total == 30, "thirty claims finished, one per model")
        for name in names { #expect(box.files("deploy/\(name)") == ["metadata.json", "model.json"], "\(name)") }

        let plan = try box.run("plan", "--store", uri, "--detailed-exitcode")
        #expect(plan.status == 0, "nothing left to do:\n\(plan.output)")
        #expect(plan.stdout.contains("0 to train"), "\(plan.stdout)")
        for r in replicas { #expect(r.stop() == 0, "\(r.name) stopped cleanly:\n\(r.output)") }
    }

    /// The trees of the slow model: a few seconds of training in a debug build.
    static let slowTrees = 60

    /// The replica whose log says it trains `model`, once one does.
    static func trainer(of model: String, among replicas: [Replica], timeout: Double = 60) throws -> Replica {
        var found: Replica?
        guard waitUntil(timeout: timeout, { found = replicas.first { trains($0, model) }; return found != nil }), let found else {
            throw TestFailure("no replica started training \(model):\n\(logs(replicas))")
        }
        return found
    }

    /// The model's open publication's artifact digest, and the sha256 of the `model.json` its target holds.
    static func publishedDigests(_ store: StoreProbe, _ box: Sandbox, _ model: String) throws -> (store: String?, file: String?) {
        let recorded = try store.query("SELECT artifact_digest FROM sluice.publications WHERE model = '\(model)' AND retired_at IS NULL").first?.first
        let file = (try? box.bytes("deploy/\(model)/model.json")).map { SHA256.hex(of: $0) }
        return (recorded, file)
    }

    @Test func aReplicaKilledWhileTrainingIsTakenOverAndTheSetConverges() throws {
        let server = try PostgresServer.shared.get()
        let uri = try server.freshDatabase()
        let store = StoreProbe(server: server, uri: uri)
        let box = try Self.emptySandbox()
        let replicas = try Self.start(2, box, uri, extra: ["--allow-empty"])
        defer { for r in replicas { r.stop() } }

        try box.writeSlowModel("slow", trees: Self.slowTrees)
        let victim = try Self.trainer(of: "slow", among: replicas)
        #expect(victim.process.signal(SIGKILL) != nil)
        let survivor = try #require(replicas.first { $0 !== victim })

        #expect(waitUntil(timeout: 60) { survivor.output.contains("took a model over from a replica whose claim ran out") }, "\(Self.logs(replicas))")
        #expect(survivor.output.contains("pid \(victim.pid)"), "the takeover names the killed replica:\n\(survivor.output)")
        #expect(waitUntil(timeout: 120) { (try? store.published()) == ["slow"] }, "\(Self.logs(replicas))")
        #expect(survivor.metric("sluice_claim_takeovers_total") == 1)

        #expect(try store.versions() == ["slow": 1])
        #expect(try store.events("trained") == ["slow": 1], "trained once: the killed replica recorded nothing")
        #expect(try store.events("published") == ["slow": 1], "published once")
        #expect(try store.publications() == ["slow": 1])
        // No half-written artifact anywhere: the store's bytes match their digests, the target
        // holds the two files of the publication and nothing else.
        #expect(try store.corruptArtifacts().isEmpty)
        #expect(box.files("deploy") == ["slow"])
        #expect(box.files("deploy/slow") == ["metadata.json", "model.json"])
        let digests = try Self.publishedDigests(store, box, "slow")
        #expect(digests.store != nil && digests.store == digests.file, "\(digests)")
        let status = try box.run("status", "--store", uri)
        #expect(status.status == 0 && status.stdout.contains("slow  ready"), "\(status.output)")
        let history = try box.run("history", "slow", "--store", uri, "--json")
        #expect(history.status == 0, "\(history.output)")
        #expect(try JSONParser.parse(history.stdout).value["versions"]?.arrayValue?.count == 1, "\(history.stdout)")
        #expect(survivor.stop() == 0, "\(survivor.output)")
    }

    @Test func aReplicaPausedPastItsClaimHasItsLateWritesRefused() throws {
        let server = try PostgresServer.shared.get()
        let uri = try server.freshDatabase()
        let store = StoreProbe(server: server, uri: uri)
        let box = try Self.emptySandbox()
        let replicas = try Self.start(2, box, uri, extra: ["--allow-empty"])
        defer { for r in replicas where r.isRunning { kill(r.pid, SIGCONT); r.stop() } }

        try box.writeSlowModel("slow", trees: Self.slowTrees)
        let paused = try Self.trainer(of: "slow", among: replicas)
        kill(paused.pid, SIGSTOP)
        let other = try #require(replicas.first { $0 !== paused })
        #expect(waitUntil(timeout: 60) { other.output.contains("took a model over from a replica whose claim ran out") }, "\(Self.logs(replicas))")
        #expect(waitUntil(timeout: 120) { (try? store.published()) == ["slow"] }, "\(Self.logs(replicas))")
        let published = try Self.publishedDigests(store, box, "slow")

        // Resumed: it finds its claim lost, and nothing it had under way is recorded or published.
        kill(paused.pid, SIGCONT)
        #expect(waitUntil(timeout: 30) { paused.output.contains("lost a claim; stopping the work on the claimed models") }, "\(paused.output)")
        #expect(waitUntil(timeout: 60) { paused.metric("sluice_claims_held") == 0 }, "its work on the model ended:\n\(paused.output)")
        #expect(paused.metric("sluice_claims_lost_total") == 1)
        #expect(!paused.output.split(separator: "\n").contains { $0.contains("model.name=slow") && ($0.contains(" notice trained ") || $0.contains(" notice published ")) },
                "the paused replica recorded nothing about the model:\n\(paused.output)")
        #expect(try store.versions() == ["slow": 1])
        #expect(try store.events("trained") == ["slow": 1], "one trained event")
        #expect(try store.events("published") == ["slow": 1], "one publication")
        #expect(try store.publications() == ["slow": 1])
        #expect(try Self.publishedDigests(store, box, "slow") == published)
        #expect(box.files("deploy/slow") == ["metadata.json", "model.json"])
        let history = try box.run("history", "slow", "--store", uri, "--json")
        #expect(try JSONParser.parse(history.stdout).value["publications"]?.arrayValue?.count == 1, "\(history.output)")

        // It carries on: alone, it leads and reconciles a new model.
        #expect(other.stop() == 0, "\(other.output)")
        try box.write("manifests/after.json", box.manifest(name: "after"))
        #expect(waitUntil(timeout: 60) { (try? store.published()) == ["slow", "after"] }, "\(paused.output)")
        #expect(paused.isRunning && paused.leads, "\(paused.output)")
        #expect(try store.events("published") == ["slow": 1, "after": 1])
        #expect(paused.stop() == 0, "\(paused.output)")
    }

    @Test func whenTheLeaderIsKilledAnotherLeadsWithinTheLeaseAndReconcilesANewCommit() throws {
        let server = try PostgresServer.shared.get()
        let uri = try server.freshDatabase()
        let store = StoreProbe(server: server, uri: uri)
        let (repo, box, replicas) = try Self.startFromGit(3, uri)
        defer { withExtendedLifetime(box) { for r in replicas { r.stop() } } }
        #expect(waitUntil(timeout: 60) { replicas.allSatisfy(\.isReady) }, "\(Self.logs(replicas))")
        #expect(waitUntil(timeout: 60) { (try? store.published()) == ["iris"] }, "\(Self.logs(replicas))")

        let leaders = replicas.filter(\.leads)
        #expect(leaders.count == 1, "one leader: \(leaders.map(\.name))")
        let leader = try #require(leaders.first)
        #expect(leader.output.contains("leading the replicas (holding the store's writer lease)"))
        #expect(leader.process.signal(SIGKILL) != nil)
        let killedAt = Date()
        let others = replicas.filter { $0 !== leader }
        var successor: Replica?
        let slack = 5.0
        #expect(waitUntil(timeout: Replica.leaseDuration + slack) { successor = others.first(where: \.leads); return successor != nil },
                "nobody leads \(Replica.leaseDuration + slack) s after the leader was killed:\n\(Self.logs(replicas))")
        let elapsed = Date().timeIntervalSince(killedAt)
        let next = try #require(successor)
        #expect(next.count("leading the replicas (holding the store's writer lease)") == 1, "\(next.output)")
        #expect(others.filter(\.leads).count == 1, "one leader at a time")

        try repo.write("manifests/after.json", repo.manifest(name: "after"))
        try repo.commitAll("add a model")
        #expect(waitUntil(timeout: 60) { (try? store.published()) == ["iris", "after"] }, "\(Self.logs(replicas))")
        let revision = try repo.git("rev-parse", "HEAD")
        #expect(try store.query("SELECT revision FROM sluice.versions WHERE model = 'after'") == [[revision]])
        #expect(try store.events("trained") == ["iris": 1, "after": 1])
        #expect(try store.events("published") == ["iris": 1, "after": 1])
        #expect(elapsed < Replica.leaseDuration + slack)
        for r in others { #expect(r.stop() == 0, "\(r.output)") }
    }

    /// A webhook behind a Service reaches any replica: `POST /reconcile` to one that does not lead
    /// is passed on to the leader (through the store), which starts a cycle and reconciles a new commit
    /// at once, long before its interval.
    @Test func aReconcileRequestToAFollowerStartsACycleOnTheLeader() throws {
        let server = try PostgresServer.shared.get()
        let uri = try server.freshDatabase()
        let store = StoreProbe(server: server, uri: uri)
        // The last --interval wins: an hour, so that only the request can start the cycle.
        let (repo, box, replicas) = try Self.startFromGit(2, uri, extra: ["--interval", "1h"])
        defer { withExtendedLifetime(box) { for r in replicas { r.stop() } } }
        #expect(waitUntil(timeout: 60) { replicas.allSatisfy(\.isReady) && (try? store.published()) == ["iris"] }, "\(Self.logs(replicas))")
        let follower = try #require(replicas.first { !$0.leads }, "\(Self.logs(replicas))")
        let leader = try #require(replicas.first { $0.leads })

        try repo.write("manifests/after.json", repo.manifest(name: "after"))
        try repo.commitAll("add a model")
        let answer = try http("POST", follower.base + "/reconcile", timeout: 5)
        #expect(answer.status == 202)
        #expect(answer.body.contains("passed on to the replica that leads"), "\(answer.body)")
        #expect(waitUntil(timeout: 30) { (try? store.published()) == ["iris", "after"] }, "\(Self.logs(replicas))")
        #expect(leader.output.contains("POST /reconcile on"), "the leader's cycle names the request: \(leader.output)")
    }

    @Test func replicasReportNotReadyWhileTheStoreIsDownAndCarryOnWhenItReturns() throws {
        // A server of this test alone: it is stopped and started again.
        let server = try PostgresServer.makePrivate()
        defer { server.remove() }
        let uri = try server.freshDatabase()
        let store = StoreProbe(server: server, uri: uri)
        let box = try Sandbox()
        let replicas = try Self.start(2, box, uri)
        defer { for r in replicas { r.stop() } }
        #expect(waitUntil(timeout: 60) { (try? store.published()) == ["iris"] }, "\(Self.logs(replicas))")

        try server.stop()
        #expect(waitUntil(timeout: 30) { replicas.allSatisfy { $0.readiness()?.status == 503 } }, "\(Self.logs(replicas))")
        // Down for a while: each replica tried three times (after 1 and 2 s of backoff), longer than the leader's lease.
        #expect(waitUntil(timeout: 30) { replicas.allSatisfy { ($0.metric("sluice_work_queue_errors_total") ?? 0) >= 3 } }, "\(Self.logs(replicas))")
        for r in replicas {
            #expect(r.readiness()?.body.contains("cannot reach the store's work queue") == true, "\(String(describing: r.readiness()))")
            #expect(r.count("cannot reach the store's work queue; not ready, trying again with backoff") == 1, "said once:\n\(r.output)")
            #expect(r.isRunning)
        }
        // A model added during the outage.
        try box.write("manifests/during.json", box.manifest(name: "during"))

        try server.start()
        #expect(waitUntil(timeout: 60) { replicas.allSatisfy(\.isReady) }, "\(Self.logs(replicas))")
        #expect(waitUntil(timeout: 60) { (try? store.published()) == ["iris", "during"] }, "\(Self.logs(replicas))")
        for r in replicas {
            #expect(r.output.contains("the store's work queue is reachable again"), "\(r.output)")
        }
        #expect(try store.events("trained") == ["iris": 1, "during": 1], "nothing trained twice")
        #expect(try store.events("published") == ["iris": 1, "during": 1], "nothing lost, nothing published twice")
        #expect(try store.publications() == ["iris": 1, "during": 1])
        #expect(box.publishedVersion("deploy/iris") != nil && box.publishedVersion("deploy/during") != nil)
        for r in replicas { #expect(r.stop() == 0, "\(r.output)") }
    }
}
