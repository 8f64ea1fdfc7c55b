import Dispatch
import Foundation
import Synchronization
import Testing
import SluiceReconcile
import SluiceCore
import TestSupport
@testable import SluiceController

/// The replicas' work queue (``WorkQueue``) on a real PostgreSQL, a fresh database per case, with
/// several ``PostgresStore``s standing for several replicas (each its own connection). A lease
/// that "ran out" is made so in the table (`lease_until` in the past), as a replica paused past
/// its lease would find it, rather than waited for.
@Suite(.enabled(if: !PostgresServer.skipped, "SLUICE_SKIP_POSTGRES=1"))
struct WorkQueueTests {
    /// A fresh store whose writer lease `leader` holds, and a raw connection to its database.
    struct Fixture {
        let uri: String
        let store: PostgresStore
        let raw: PGConnection
        let leader = "leader-1"

        init() throws {
            uri = try PostgresServer.shared.get().freshDatabase()
            store = try PostgresStore(uri: uri)
            raw = try PGConnection(uri: uri)
            try Self.lead(store, token: leader)
        }

        /// Makes `token` the writer lease's holder (for an hour): a replica, unless `command` says otherwise.
        static func lead(_ store: PostgresStore, token: String, command: String = WorkClaim.replicaMark + "sluice run") throws {
            let now = Date()
            let holder = LeaseHolder(token: token, pid: getpid(), host: "host-\(token)", command: command,
                                     acquiredAt: now, expiresAt: now.addingTimeInterval(3600))
            #expect(try store.claimLease(holder, now: now) == nil, "\(token) leads")
        }

        /// Another replica: a store of its own on the same database.
        func replica() throws -> PostgresStore { try PostgresStore(uri: uri) }

        /// Queues `models` (fingerprint `f1` unless given) as the leader, the plan observed now.
        @discardableResult
        func enqueue(_ models: [String], fingerprint: String = "f1") throws -> Int {
            try store.enqueue(models.map { WorkQueueTests.item($0, fingerprint: fingerprint) }, observedAt: try store.serverTime(), leader: leader)
        }

        /// The claim on `model` ran out: its lease ended a second ago (server time).
        func expire(_ model: String) throws {
            let changed = try raw.exec("""
                UPDATE sluice.work SET lease_until = extract(epoch from clock_timestamp()) - 1 WHERE model = $1 AND token IS NOT NULL
                """, [.text(model)]).changed
            #expect(changed == 1, "\(model) was claimed")
        }

        func entries() throws -> [String: WorkEntry] {
            Dictionary(uniqueKeysWithValues: try store.workEntries().map { ($0.model, $0) })
        }

        func count(_ table: String) throws -> Int {
            try raw.exec("SELECT count(*) AS n FROM sluice.\(table)").rows[0].int("n")
        }
    }

    static func item(_ model: String, fingerprint: String = "f1", revision: String? = "r1") -> WorkItem {
        WorkItem(model: model, fingerprint: fingerprint, revision: revision, actions: "train, evaluate, publish")
    }

    static let lease = Duration.seconds(60)

    // MARK: - Enqueue

    /// A leader that lost the writer lease (paused past it while another replica took over) queues
    /// nothing, and removes nothing, when it wakes.
    @Test func aStaleLeadersPlanIsRefusedAndQueuesNothing() throws {
        let f = try Fixture()
        #expect(try f.enqueue(["a", "b"]) == 2)
        let before = try f.store.workEntries()
        // The leader's lease ran out; another replica leads now.
        try f.raw.exec("UPDATE sluice.lease SET expires_at = 0")
        let other = try f.replica()
        try Fixture.lead(other, token: "leader-2")
        #expect {
            try f.store.enqueue([Self.item("c")], observedAt: try f.store.serverTime(), leader: f.leader)
        } throws: { error in
            error is StoreError && "\(error)".contains("lost the leader's lease")
        }
        // Not queued, and a and b (not in the stale plan) not removed.
        #expect(try f.store.workEntries() == before)
        // The new leader's plan is queued.
        #expect(try other.enqueue([Self.item("c")], observedAt: try other.serverTime(), leader: "leader-2") == 1)
        #expect(try f.store.workEntries().map(\.model) == ["c"])
    }

    // MARK: - Claims

    /// Two replicas claiming at once never get the same model, and each gets at most its limit.
    @Test func twoReplicasNeverClaimTheSameModel() throws {
        let f = try Fixture()
        let models = (0..<40).map { String(format: "m%02d", $0) }
        try f.enqueue(models)
        let replicas = [try f.replica(), try f.replica()]
        let claimed = Mutex<[[WorkClaim]]>([[], []])
        let overLimit = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: 2) { i in
            while let batch = try? replicas[i].claim(limit: 3, holder: "replica \(i)", lease: Self.lease), !batch.isEmpty {
                if batch.count > 3 { overLimit.withLock { $0 += 1 } }
                claimed.withLock { $0[i] += batch }
            }
        }
        let all = claimed.withLock { $0 }
        #expect(overLimit.withLock { $0 } == 0)
        #expect(all[0].count + all[1].count == models.count, "every model claimed once")
        #expect(Set(all[0].map(\.model)).isDisjoint(with: all[1].map(\.model)))
        #expect(Set(all.joined().map(\.model)) == Set(models))
        #expect(Set(all.joined().map(\.fence)).count == models.count, "every claim has a fence of its own")
    }

    /// A claim does not wait for a row another replica's transaction holds (`SKIP LOCKED`): it
    /// takes the next model.
    @Test func aClaimSkipsAModelAnotherReplicaIsClaiming() throws {
        let f = try Fixture()
        try f.enqueue(["a", "b"])
        let replica = try f.replica()
        // Without SKIP LOCKED the claim below would wait for the lock: make that an error, not a hang.
        try replica.connection.exec("SET lock_timeout = '5s'")
        let claims = try f.raw.transaction { s in
            try s.exec("SELECT model FROM sluice.work WHERE model = 'a' FOR UPDATE")
            return try replica.claim(limit: 2, holder: "replica 2", lease: Self.lease)
        }
        #expect(claims.map(\.model) == ["b"])
        #expect(try f.store.claim(limit: 2, holder: "replica 1", lease: Self.lease).map(\.model) == ["a"])
    }

    /// A claim whose lease ran out is taken over by another replica, with a higher fence, and
    /// the new claim names the replica it took the model from.
    @Test func aClaimWhoseLeaseRanOutIsTakenOverWithAHigherFence() throws {
        let f = try Fixture()
        try f.enqueue(["a"])
        let first = try f.store.claim(limit: 1, holder: "host1 pid 1", lease: Self.lease)
        #expect(first.map(\.model) == ["a"])
        #expect(first.first?.takenOverFrom == nil)
        let replica = try f.replica()
        #expect(try replica.claim(limit: 1, holder: "host2 pid 2", lease: Self.lease).isEmpty, "held while its lease runs")
        try f.expire("a")
        let second = try replica.claim(limit: 1, holder: "host2 pid 2", lease: Self.lease)
        #expect(second.map(\.model) == ["a"])
        #expect(second[0].fence > first[0].fence)
        #expect(second[0].token != first[0].token)
        #expect(second[0].takenOverFrom == "host1 pid 1")
        let entry = try #require(try f.entries()["a"])
        #expect(entry.holder == "host2 pid 2")
        #expect(entry.claims == 2)
        #expect(entry.fence == second[0].fence)
    }

    /// A claim that ran out counts as a failure of the model's work (its replica may have been
    /// killed by the model itself): the first takeover is at once, the next ones wait the backoff
    /// of the failures before them, so a model that kills every replica that trains it does not
    /// take the replicas down one after another.
    @Test func aModelWhoseClaimsKeepRunningOutBacksOff() throws {
        let f = try Fixture()
        try f.enqueue(["a"])
        let retry = RetryPolicy(base: 3600, cap: 7200)
        _ = try f.store.claim(limit: 1, holder: "host1 pid 1", lease: Self.lease, retry: retry)
        try f.expire("a")
        let replica = try f.replica()
        let second = try replica.claim(limit: 1, holder: "host2 pid 2", lease: Self.lease, retry: retry)
        #expect(second.map(\.model) == ["a"], "the first takeover waits for no backoff")
        #expect(second.first?.failures == 1)
        #expect(second.first?.takenOverFrom == "host1 pid 1")
        try f.expire("a")
        #expect(try f.store.claim(limit: 1, holder: "host3 pid 3", lease: Self.lease, retry: retry).isEmpty,
                "the second takeover waits the backoff of one failure")
        let entry = try #require(try f.entries()["a"])
        #expect(entry.failures == 2)
        #expect(entry.holder == nil)
        #expect(entry.lastError?.contains("host2 pid 2") == true)
        #expect(entry.notBefore.timeIntervalSince(try f.store.serverTime()) > 3000)
    }

    /// A leader paused past its lease records nothing about the models it has not claimed (its
    /// conditions, monitor states, events) once another replica leads, while its writes about no
    /// model (artifacts, which its work on claimed models needs) still go through.
    @Test func aLeaderThatLostItsLeaseWritesNothingAboutModelsItDidNotClaim() throws {
        let f = try Fixture()
        f.store.fenceLeader(f.leader)
        let condition = { (message: String) in
            ConditionRecord(model: "iris", condition: "ready", message: message, version: nil, since: Date(), checkedAt: Date(), revision: nil)
        }
        try f.store.recordConditions([condition("while leading")])
        #expect(try f.count("conditions") == 1)
        // Another replica takes the lease over (the first one's ran out).
        _ = try f.raw.exec("UPDATE sluice.lease SET expires_at = 0")
        try Fixture.lead(try f.replica(), token: "leader-2")
        #expect(throws: StoreError.self) { try f.store.recordConditions([condition("stale")]) }
        #expect(throws: StoreError.self) {
            try f.store.recordEvent(EventRecord(at: Date(), model: "iris", kind: .retrain, message: "stale", revision: nil))
        }
        #expect(try f.store.conditions().map(\.message) == ["while leading"])
        #expect(try f.count("events") == 0)
        let digest = try f.store.putArtifact(Array("still working".utf8))
        #expect(try f.store.artifact(digest) == Array("still working".utf8))
    }

    /// While a command that changes the store on its own (`apply`, `gc`) holds the writer lease,
    /// replicas claim nothing: what the last leader queued waits for the next one.
    @Test func replicasClaimNothingWhileAnotherCommandHoldsTheLease() throws {
        let f = try Fixture()
        try f.enqueue(["a"])
        _ = try f.raw.exec("UPDATE sluice.lease SET expires_at = 0")
        let apply = try f.replica()
        try Fixture.lead(apply, token: "apply-1", command: "sluice apply")
        #expect(try f.store.claim(limit: 1, holder: "replica 1", lease: Self.lease).isEmpty)
        try apply.releaseLease(token: "apply-1")
        #expect(try f.store.claim(limit: 1, holder: "replica 1", lease: Self.lease).map(\.model) == ["a"])
    }

    /// The leader queues newer work for a model while a replica works on the old one: finishing the
    /// old claim, well or not, neither marks the new work done nor charges it a failure; it stays
    /// queued, and the next claim carries the new fingerprint.
    @Test func finishingWorkThatWasSupersededLeavesTheNewWorkQueued() throws {
        let f = try Fixture()
        try f.enqueue(["a", "b"])
        let old = try f.store.claim(limit: 2, holder: "replica 1", lease: Self.lease)
        #expect(old.map(\.fingerprint) == ["f1", "f1"])
        try f.enqueue(["a", "b"], fingerprint: "f2")
        try f.store.finish(old[0], failure: nil)
        try f.store.finish(old[1], failure: WorkFailure(message: "failed on the old inputs", retryAfter: 3600))
        let entries = try f.entries()
        for model in ["a", "b"] {
            #expect(entries[model]?.doneAt == nil, "\(model) still has work")
            #expect(entries[model]?.failures == 0, "\(model) is not charged")
            #expect(entries[model]?.holder == nil)
        }
        let next = try f.store.claim(limit: 2, holder: "replica 2", lease: Self.lease)
        #expect(next.map(\.model) == ["a", "b"])
        #expect(next.map(\.fingerprint) == ["f2", "f2"])
    }

    /// Renewing claims returns the tokens still held: not one whose lease ran out, not one released.
    @Test func renewReturnsOnlyTheClaimsStillHeld() throws {
        let f = try Fixture()
        try f.enqueue(["a", "b", "c"])
        let claims = try f.store.claim(limit: 3, holder: "replica 1", lease: .seconds(30))
        #expect(claims.map(\.model) == ["a", "b", "c"])
        let leaseBefore = try #require(try f.entries()["a"]?.leaseUntil)
        try f.expire("b")
        try f.store.release([claims[2]])
        #expect(try f.store.renew(claims, lease: .seconds(600)) == [claims[0].token])
        let leaseAfter = try #require(try f.entries()["a"]?.leaseUntil)
        #expect(leaseAfter.timeIntervalSince(leaseBefore) > 500, "renewed for the new lease")
        let now = try f.store.serverTime()
        #expect(try f.entries()["b"]?.leaseUntil.map { $0 < now } == true, "a lost claim is not renewed")
    }

    // MARK: - Fenced writes

    /// Each kind of write about a claimed model is accepted while the claim holds, and refused
    /// (recording nothing) once its lease ran out, and once another replica took the model over.
    @Test func writesAboutAClaimedModelAreFencedByTheClaim() throws {
        let f = try Fixture()
        try f.enqueue(["iris"])
        let claim = try #require(try f.store.claim(limit: 1, holder: "replica 1", lease: Self.lease).first)
        f.store.fence(model: "iris", token: claim.token)
        let writes: [(String, (Int) throws -> Void)] = [
            ("versions", { i in try f.store.recordVersion(StoreConformanceTests.version("v\(i)")) }),
            ("publications", { i in
                try f.store.recordPublication(PublicationRecord(model: "iris", version: "v\(i)", deploy: .directory(path: "deploy/iris"),
                                                                artifactDigest: "a-v\(i)", publishedAt: Date(), revision: nil, reason: "test"))
            }),
            ("events", { i in try f.store.recordEvent(EventRecord(at: Date(), model: "iris", kind: .trained, message: "\(i)", revision: nil)) }),
            ("conditions", { i in
                try f.store.recordConditions([ConditionRecord(model: "iris", condition: "ready", message: "\(i)", version: nil,
                                                              since: Date(), checkedAt: Date(), revision: nil)])
            }),
        ]
        for (table, write) in writes {
            try write(1)
            #expect(try f.count(table) == 1, "\(table): accepted while the claim holds")
        }
        try f.expire("iris")
        for (table, write) in writes {
            #expect {
                try write(2)
            } throws: { error in
                "\(error)".contains(WorkClaim.lostMessage("iris"))
            }
            #expect(try f.count(table) == 1, "\(table): nothing recorded after the lease ran out")
        }
        // Another replica takes the model over: its lease runs, but the token is not this one's.
        let replica = try f.replica()
        let taken = try #require(try replica.claim(limit: 1, holder: "replica 2", lease: Self.lease).first)
        for (table, write) in writes {
            #expect(throws: StoreError.self, "\(table)") { try write(3) }
            #expect(try f.count(table) == 1, "\(table): nothing recorded after the takeover")
        }
        // The new holder's writes are accepted.
        replica.fence(model: "iris", token: taken.token)
        try replica.recordEvent(EventRecord(at: Date(), model: "iris", kind: .trained, message: "new holder", revision: nil))
        #expect(try f.count("events") == 2)
    }

    // MARK: - Finish, backoff, release

    /// A failure waits for its backoff (the leader's same plan does not shorten it), counts, and
    /// a new fingerprint from the leader clears it.
    @Test func aFailureBacksOffUntilItsTimeOrANewFingerprint() throws {
        let f = try Fixture()
        try f.enqueue(["a"])
        let first = try #require(try f.store.claim(limit: 1, holder: "replica 1", lease: Self.lease).first)
        #expect(first.failures == 0)
        let before = try f.store.serverTime()
        try f.store.finish(first, failure: WorkFailure(message: "training failed: \"x\", row 3", retryAfter: 3600))
        var entry = try #require(try f.entries()["a"])
        #expect(entry.failures == 1)
        #expect(entry.lastError == "training failed: \"x\", row 3")
        #expect(entry.notBefore.timeIntervalSince(before) >= 3600)
        #expect(entry.holder == nil && entry.doneAt == nil)
        #expect(try f.store.claim(limit: 1, holder: "replica 1", lease: Self.lease).isEmpty, "backing off")
        // The leader's next plan with the same fingerprint keeps the backoff.
        #expect(try f.enqueue(["a"]) == 0)
        #expect(try f.store.claim(limit: 1, holder: "replica 1", lease: Self.lease).isEmpty, "still backing off")
        // Its time comes: claimable, with its failures counted.
        try f.raw.exec("UPDATE sluice.work SET not_before = extract(epoch from clock_timestamp()) - 1")
        let second = try #require(try f.store.claim(limit: 1, holder: "replica 1", lease: Self.lease).first)
        #expect(second.failures == 1)
        try f.store.finish(second, failure: WorkFailure(message: "again", retryAfter: 3600))
        #expect(try f.entries()["a"]?.failures == 2)
        // A change (a new fingerprint) is worth trying at once.
        #expect(try f.enqueue(["a"], fingerprint: "f2") == 1)
        entry = try #require(try f.entries()["a"])
        #expect(entry.failures == 0 && entry.lastError == nil)
        let third = try #require(try f.store.claim(limit: 1, holder: "replica 1", lease: Self.lease).first)
        #expect(third.failures == 0)
        try f.store.finish(third, failure: nil)
        entry = try #require(try f.entries()["a"])
        #expect(entry.doneAt != nil && entry.holder == nil && entry.failures == 0)
    }

    /// Finishing a claim that was lost throws and records nothing, success or failure.
    @Test func finishingALostClaimThrowsAndChangesNothing() throws {
        let f = try Fixture()
        try f.enqueue(["a"])
        let claim = try #require(try f.store.claim(limit: 1, holder: "replica 1", lease: Self.lease).first)
        try f.expire("a")
        let expired = try f.store.workEntries()
        for failure in [nil, WorkFailure(message: "late", retryAfter: 60)] {
            #expect {
                try f.store.finish(claim, failure: failure)
            } throws: { error in
                "\(error)".contains(WorkClaim.lostMessage("a"))
            }
            #expect(try f.store.workEntries() == expired)
        }
        let replica = try f.replica()
        #expect(try replica.claim(limit: 1, holder: "replica 2", lease: Self.lease).count == 1)
        let taken = try f.store.workEntries()
        for failure in [nil, WorkFailure(message: "late", retryAfter: 60)] {
            #expect(throws: StoreError.self) { try f.store.finish(claim, failure: failure) }
            #expect(try f.store.workEntries() == taken, "the new holder's claim is untouched")
        }
    }

    /// Released claims (a shutdown) can be claimed again at once, not charged with a failure;
    /// the others stay held.
    @Test func releasedClaimsAreClaimableAtOnce() throws {
        let f = try Fixture()
        try f.enqueue(["a", "b"])
        let claims = try f.store.claim(limit: 2, holder: "replica 1", lease: Self.lease)
        try f.store.release([claims[0]])
        let replica = try f.replica()
        let again = try replica.claim(limit: 2, holder: "replica 2", lease: Self.lease)
        #expect(again.map(\.model) == ["a"])
        #expect(again.first?.failures == 0)
        #expect(again.first?.takenOverFrom == nil, "given up, not taken over")
        #expect(try f.entries()["b"]?.holder == "replica 1")
    }

    // MARK: - The leader's plan and finished work

    /// Work finished after the leader's plan was observed stays finished (the plan may predate
    /// it); work finished before is queued again when the plan still has it.
    @Test func workFinishedAfterThePlansObservationStaysDone() throws {
        let f = try Fixture()
        try f.enqueue(["a", "b"])
        let observedBefore = try f.store.serverTime()
        for c in try f.store.claim(limit: 2, holder: "replica 1", lease: Self.lease) { try f.store.finish(c, failure: nil) }
        // A plan observed before the work finished: it still lists both; they stay done.
        #expect(try f.store.enqueue([Self.item("a"), Self.item("b")], observedAt: observedBefore, leader: f.leader) == 0)
        #expect(try f.store.workEntries().allSatisfy { $0.doneAt != nil })
        #expect(try f.store.claim(limit: 2, holder: "replica 1", lease: Self.lease).isEmpty)
        // A plan observed after: what it still lists is work again.
        #expect(try f.enqueue(["a"]) == 1)
        #expect(try f.entries()["a"]?.doneAt == nil)
        #expect(try f.entries()["b"] == nil, "no longer in the plan")
        #expect(try f.store.claim(limit: 2, holder: "replica 1", lease: Self.lease).map(\.model) == ["a"])
    }

    /// Entries of models the plan no longer has are removed, except one a replica works on now
    /// (removed by a later plan once its claim is over).
    @Test func modelsNotInThePlanAreRemovedUnlessClaimed() throws {
        let f = try Fixture()
        try f.enqueue(["a", "b", "c"])
        #expect(try f.store.claim(limit: 1, holder: "replica 1", lease: Self.lease).map(\.model) == ["a"])
        try f.enqueue(["c"])
        #expect(try f.store.workEntries().map(\.model) == ["a", "c"])
        try f.expire("a")
        try f.enqueue(["c"])
        #expect(try f.store.workEntries().map(\.model) == ["c"])
        try f.enqueue([])
        #expect(try f.store.workEntries().isEmpty)
    }

    /// Names, revisions and fingerprints with quotes, backslashes, commas, braces, spaces, the
    /// word NULL, and no revision at all, survive the array parameters both ways.
    @Test func awkwardTextSurvivesTheArrayParameters() throws {
        let f = try Fixture()
        let names = [#"a"b"#, #"c\d"#, "e,f", "{g}", "NULL", " h ", "é ✓", #"\""#, ""]
        let items = names.enumerated().map { i, name in
            WorkItem(model: name, fingerprint: #"fp "\#(i)", \ {}"#, revision: i % 2 == 0 ? nil : #"rev,"\#(name)"\NULL"#,
                     actions: "train, evaluate, publish")
        }
        #expect(try f.store.enqueue(items, observedAt: try f.store.serverTime(), leader: f.leader) == names.count)
        let entries = try f.entries()
        #expect(Set(entries.keys) == Set(names))
        for item in items {
            #expect(entries[item.model]?.revision == item.revision, "\(item.model)")
            #expect(entries[item.model]?.actions == item.actions)
        }
        let stored = try f.raw.exec("SELECT model, fingerprint FROM sluice.work").rows
        #expect(Dictionary(uniqueKeysWithValues: try stored.map { (try $0.string("model"), try $0.string("fingerprint")) })
            == Dictionary(uniqueKeysWithValues: items.map { ($0.model, $0.fingerprint) }))
        let claims = try f.store.claim(limit: names.count, holder: #"host "x", pid 1"#, lease: Self.lease)
        #expect(Set(claims.map(\.model)) == Set(names))
        for c in claims { #expect(c.revision == items.first { $0.model == c.model }?.revision, "\(c.model)") }
        #expect(try f.store.renew(claims, lease: Self.lease) == Set(claims.map(\.token)))
        try f.store.release(claims)
        // The same fingerprints again: nothing changes; a plan of some of them removes exactly the others.
        #expect(try f.store.enqueue(items, observedAt: try f.store.serverTime(), leader: f.leader) == names.count)
        let kept = Array(items.prefix(4))
        _ = try f.store.enqueue(kept, observedAt: try f.store.serverTime(), leader: f.leader)
        #expect(Set(try f.store.workEntries().map(\.model)) == Set(kept.map(\.model)))
    }

    // MARK: - ClaimHolding

    /// A holding whose claim was taken over finds out on `confirm()`, says so once, and refuses
    /// from then on; its fenced writes are refused.
    @Test func aClaimHoldingLosesOnceWhenItsClaimIsTakenOver() throws {
        let f = try Fixture()
        try f.enqueue(["iris"])
        let claims = try f.store.claim(limit: 1, holder: "replica 1", lease: Self.lease)
        let lost = Reasons()
        let holding = ClaimHolding(queue: f.store, claims: claims, lease: Self.lease) { reason in lost.append(reason) }
        defer { holding.stop() }
        try holding.confirm()
        try f.store.recordEvent(EventRecord(at: Date(), model: "iris", kind: .trained, message: "held", revision: nil))
        #expect(!holding.isLost)
        try f.expire("iris")
        #expect(try f.replica().claim(limit: 1, holder: "replica 2", lease: Self.lease).count == 1)
        for _ in 0..<2 {
            #expect {
                try holding.confirm()
            } throws: { error in
                "\(error)".contains(WorkClaim.lostMessage("iris"))
            }
        }
        #expect(holding.lostReason == WorkClaim.lostMessage("iris"))
        #expect(lost.all == [WorkClaim.lostMessage("iris")], "told once")
        #expect(throws: StoreError.self) {
            try f.store.recordEvent(EventRecord(at: Date(), model: "iris", kind: .trained, message: "late", revision: nil))
        }
        #expect(try f.count("events") == 1)
    }

    /// Two threads finding the loss at once (the heartbeat and the work do that: here both are in
    /// the store's renewal together) tell it once.
    @Test func aLossFoundByTwoThreadsAtOnceIsToldOnce() throws {
        let f = try Fixture()
        try f.enqueue(["iris"])
        let claims = try f.store.claim(limit: 1, holder: "replica 1", lease: .seconds(600))
        let queue = BarrierQueue(f.store, parties: 2)
        let lost = Reasons()
        // A lease of 10 min: its heartbeat (every 200 s) does not renew during the test.
        let holding = ClaimHolding(queue: queue, claims: claims, lease: .seconds(600)) { reason in lost.append(reason) }
        defer { holding.stop() }
        try f.expire("iris")
        #expect(try f.replica().claim(limit: 1, holder: "replica 2", lease: Self.lease).count == 1)
        DispatchQueue.concurrentPerform(iterations: 2) { _ in
            #expect(throws: StoreError.self) { try holding.confirm() }
        }
        #expect(queue.renewals == 2, "both threads renewed")
        #expect(lost.all == [WorkClaim.lostMessage("iris")])
    }

    /// The heartbeat finds a takeover by itself, without a write or a `confirm()`.
    @Test func aClaimHoldingsHeartbeatFindsATakeover() throws {
        let f = try Fixture()
        try f.enqueue(["iris"])
        let lease = Duration.milliseconds(600)
        let claims = try f.store.claim(limit: 1, holder: "replica 1", lease: lease)
        let told = DispatchSemaphore(value: 0)
        let lost = Reasons()
        let holding = ClaimHolding(queue: f.store, claims: claims, lease: lease) { reason in
            lost.append(reason)
            told.signal()
        }
        defer { holding.stop() }
        // Another replica took the model over (in one statement, so no renewal comes between).
        try f.raw.exec("""
            UPDATE sluice.work SET token = 'other', holder = 'replica 2', lease_until = extract(epoch from clock_timestamp()) + 600
            """)
        #expect(told.wait(timeout: .now() + 30) == .success, "the heartbeat noticed")
        #expect(holding.isLost)
        #expect(throws: StoreError.self) { try holding.confirm() }
        #expect(lost.all.count == 1)
    }
}

/// What a ``ClaimHolding`` told its `onLost`, in order.
final class Reasons: Sendable {
    private let reasons = Mutex<[String]>([])
    func append(_ reason: String) { reasons.withLock { $0.append(reason) } }
    var all: [String] { reasons.withLock { $0 } }
}

/// A PostgreSQL store's queue whose renewals wait until `parties` callers are in them, so that
/// they reach the store together; everything else goes straight to the store.
final class BarrierQueue: WorkQueue, Sendable {
    let store: PostgresStore
    let parties: Int
    private let arrived = Mutex(0)
    private let gate = DispatchSemaphore(value: 0)

    init(_ store: PostgresStore, parties: Int) {
        self.store = store
        self.parties = parties
    }

    var renewals: Int { arrived.withLock { $0 } }

    func renew(_ claims: [WorkClaim], lease: Duration) throws -> Set<String> {
        let n = arrived.withLock { a in
            a += 1
            return a
        }
        if n == parties {
            for _ in 1..<parties { gate.signal() }
        } else if n < parties {
            _ = gate.wait(timeout: .now() + 30)
        }
        return try store.renew(claims, lease: lease)
    }

    func enqueue(_ items: [WorkItem], observedAt: Date, leader: String) throws -> Int {
        try store.enqueue(items, observedAt: observedAt, leader: leader)
    }
    func claim(limit: Int, holder: String, lease: Duration, retry: RetryPolicy) throws -> [WorkClaim] {
        try store.claim(limit: limit, holder: holder, lease: lease, retry: retry)
    }
    func finish(_ claim: WorkClaim, failure: WorkFailure?) throws { try store.finish(claim, failure: failure) }
    func release(_ claims: [WorkClaim]) throws { try store.release(claims) }
    func workEntries() throws -> [WorkEntry] { try store.workEntries() }
    func serverTime() throws -> Date { try store.serverTime() }
    func fence(model: String, token: String?) { store.fence(model: model, token: token) }
    func listen(_ signal: @escaping @Sendable (WorkSignal) -> Void) -> @Sendable () -> Void { store.listen(signal) }
    func requestCycle(_ reason: String) throws { try store.requestCycle(reason) }
    func fenceLeader(_ token: String?) { store.fenceLeader(token) }
}
