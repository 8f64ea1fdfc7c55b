import Foundation
import Testing
import SluiceController

@Suite struct StoreLockTests {
    /// Holds the store's writer lease in this (test) process, as another `sluice` would.
    func holdLease(_ s: Sandbox, command: String) throws -> WriterLease {
        let store = try SQLiteStore(path: s.url(".sluice/state.db").path)
        return try WriterLease.acquire(store: store, command: command, timeout: .seconds(1))
    }

    @Test func aSecondApplyWaitsABoundedTimeThenNamesTheHolder() throws {
        let s = try Sandbox()
        let lease = try holdLease(s, command: "sluice apply (test holder)")
        let start = Date()
        let r = try s.run("apply", "--lock-timeout", "0.5")
        let waited = Date().timeIntervalSince(start)
        #expect(r.status == 1, "\(r.output)")
        #expect(r.stderr.contains("locked by another process"))
        #expect(r.stderr.contains("pid \(getpid())"))
        #expect(r.stderr.contains("sluice apply (test holder)"))
        #expect(waited >= 0.5)
        #expect(!s.exists("deploy/iris/model.json"))
        lease.release()
        #expect(try s.run("apply").status == 0)
    }

    @Test func statusReadsWhileAnotherProcessHoldsTheLock() throws {
        let s = try Sandbox()
        #expect(try s.run("apply").status == 0)
        let lease = try holdLease(s, command: "holder")
        defer { lease.release() }
        let status = try s.run("status")
        #expect(status.status == 0, "\(status.output)")
        #expect(status.stdout.contains("iris  ready"))
    }

    @Test func aLeaseWhoseHolderDiedIsTakenOverAtOnceOnTheSameHost() throws {
        let s = try Sandbox()
        let store = try SQLiteStore(path: s.url(".sluice/state.db").path)
        // A holder that no longer exists (pid 2^22-1 is above Linux's default pid_max), lease still valid for an hour.
        let dead = LeaseHolder(token: "dead", pid: 4_194_303, host: LeaseHolder.hostName, command: "sluice run (killed)",
                               acquiredAt: Date(), expiresAt: Date().addingTimeInterval(3600))
        #expect(try store.claimLease(dead, now: Date()) == nil)
        let r = try s.run("apply", "--lock-timeout", "0")
        #expect(r.status == 0, "\(r.output)")
        #expect(try store.leaseHolder() == nil, "apply gives the lease back when it ends")
    }
}
