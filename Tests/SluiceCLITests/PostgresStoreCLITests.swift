import Foundation
import Testing
import SluiceController
import TestSupport

/// `--store postgres://…` with the real binary against a throwaway PostgreSQL (issue 15):
/// apply, status and a second apply that changes nothing; nothing is written beside
/// the store but what the files need; a server that refuses is an exit 1 naming the store.
@Suite(.enabled(if: !PostgresServer.skipped, "SLUICE_SKIP_POSTGRES=1"))
struct PostgresStoreCLITests {
    @Test func applyStatusAndApplyAgainOnPostgres() throws {
        let uri = try PostgresServer.shared.get().freshDatabase()
        let box = try Sandbox()
        let first = try box.run("apply", "--store", uri)
        #expect(first.status == 0, "\(first.output)")
        #expect(first.stdout.contains("1 trained, 1 evaluated, 1 published"), "\(first.stdout)")
        #expect(box.exists("deploy/iris/model.json") || box.exists("deploy/iris"), "published to its target")
        #expect(!box.exists(".sluice/state.db"), "no SQLite store was made beside the PostgreSQL one")
        let status = try box.run("status", "--store", uri)
        #expect(status.status == 0, "\(status.output)")
        #expect(status.stdout.contains("iris  ready"), "\(status.stdout)")
        let again = try box.run("apply", "--store", uri)
        #expect(again.status == 0, "\(again.output)")
        #expect(again.stdout.contains("0 to train"), "the version and its artifact are found in PostgreSQL: \(again.stdout)")
    }

    /// The writer lease lives in the database: a holder on another connection (another host, as
    /// far as the store can tell) keeps `apply` out, and `status` still reads.
    @Test func aLeaseHeldInTheDatabaseKeepsApplyOut() throws {
        let uri = try PostgresServer.shared.get().freshDatabase()
        let box = try Sandbox()
        #expect(try box.run("apply", "--store", uri).status == 0)
        let holder = try PostgresStore(uri: uri)
        let lease = try WriterLease.acquire(store: holder, command: "sluice run (test holder)", timeout: .seconds(1))
        let blocked = try box.run("apply", "--store", uri, "--lock-timeout", "0")
        #expect(blocked.status == 1, "\(blocked.output)")
        #expect(blocked.stderr.contains("locked by another process"), "\(blocked.stderr)")
        #expect(blocked.stderr.contains("sluice run (test holder)"), "\(blocked.stderr)")
        let status = try box.run("status", "--store", uri)
        #expect(status.stdout.contains("iris  ready"), "\(status.output)")
        lease.release()
        #expect(try box.run("apply", "--store", uri, "--lock-timeout", "0").status == 0)
    }

    /// A leader that just stopped leaves its queue behind, and its followers may still work on
    /// models: `apply` (or `gc`) that takes the free lease then refuses, naming the models and the
    /// replicas, rather than train and publish them a second time.
    @Test func applyRefusesWhileReplicasStillWorkOnTheStore() throws {
        let uri = try PostgresServer.shared.get().freshDatabase()
        let box = try Sandbox()
        #expect(try box.run("apply", "--store", uri).status == 0)
        let replica = try PostgresStore(uri: uri)
        let leader = try WriterLease.acquire(store: replica, command: WorkClaim.replicaMark + "sluice run", timeout: .seconds(1), fencesStore: false)
        try replica.enqueue([WorkItem(model: "iris", fingerprint: "f", revision: nil, actions: "train")], observedAt: try replica.serverTime(),
                            leader: leader.token)
        let claims = try replica.claim(limit: 1, holder: "node-b pid 42", lease: .seconds(60))
        #expect(claims.map(\.model) == ["iris"])
        leader.release()
        let refused = try box.run("apply", "--store", uri, "--lock-timeout", "0")
        #expect(refused.status == 1, "\(refused.output)")
        #expect(refused.stderr.contains("replicas are still working on 1 model of this store (iris; node-b pid 42)"), "\(refused.stderr)")
        #expect(try replica.leaseHolder() == nil, "the lease is given back")
        try replica.release(claims)
        #expect(try box.run("apply", "--store", uri, "--lock-timeout", "0").status == 0)
    }

    @Test func aReadOnlyCommandOnAnEmptyDatabaseSaysNothingWasApplied() throws {
        let uri = try PostgresServer.shared.get().freshDatabase()
        let box = try Sandbox()
        let status = try box.run("status", "--store", uri)
        #expect(status.output.contains("No store at \(uri) yet"), "\(status.output)")
    }

    @Test func aServerThatRefusesExitsOneNamingTheStoreWithoutItsPassword() throws {
        let port = try PostgresServer.shared.get().port
        let box = try Sandbox()
        let uri = "postgres://nobody:s3cret@127.0.0.1:\(port)/nothing"
        let result = try box.run("apply", "--store", uri)
        #expect(result.status == 1, "\(result.output)")
        // (The terminal hides the URI's user and password, as it does for every URL with credentials.)
        #expect(result.stderr.contains("cannot connect to the PostgreSQL store postgres://***@127.0.0.1:\(port)/nothing"), "\(result.stderr)")
        #expect(result.stderr.contains("role \"nobody\" does not exist"), "the server's own reason: \(result.stderr)")
        #expect(!result.output.contains("s3cret"))
    }
}
