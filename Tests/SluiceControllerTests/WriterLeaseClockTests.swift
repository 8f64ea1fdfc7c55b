import Foundation
import Testing
import SluiceController
import SluiceTesting

/// The writer lease reads the time of day from the clock it is given: its expiry, its renewals
/// and when another process may take it over follow that clock, not the system's.
@Suite struct WriterLeaseClockTests {
    @Test(arguments: StoreConformanceTests.Kind.allCases)
    func theLeaseExpiresAndIsRenewedByItsClock(kind: StoreConformanceTests.Kind) throws {
        let (store, dir) = try StoreConformanceTests.make(kind)
        defer { try? FileManager.default.removeItem(at: dir) }
        let clock = FixedClock()
        let start = clock.now
        let lease = try WriterLease.acquire(store: store, command: "first", duration: .seconds(30), timeout: .zero,
                                            heartbeat: false, clock: clock)
        defer { lease.release() }
        var holder = try #require(try store.leaseHolder())
        #expect(holder.token == lease.token)
        #expect(holder.acquiredAt == start)
        #expect(holder.expiresAt == start.addingTimeInterval(30))

        // Another claimant is refused while the lease lasts, and told how long it has left.
        clock.advance(10)
        do {
            _ = try WriterLease.acquire(store: store, command: "second", duration: .seconds(30), timeout: .zero, heartbeat: false, clock: clock)
            Issue.record("a lease that has not expired was taken over")
        } catch {
            #expect("\(error)".contains("its lease expires in 20 s unless renewed"), "\(error)")
        }

        // A renewal extends it from the clock's now.
        try lease.confirm()
        holder = try #require(try store.leaseHolder())
        #expect(holder.expiresAt == start.addingTimeInterval(40))
        clock.advance(29)
        #expect(throws: StoreError.self) {
            try WriterLease.acquire(store: store, command: "second", duration: .seconds(30), timeout: .zero, heartbeat: false, clock: clock)
        }

        // Past it, a claimant with another token on another host takes the lease over.
        clock.advance(1)
        let other = LeaseHolder(token: "other", pid: 1, host: "another-host", command: "sluice apply",
                                acquiredAt: clock.now, expiresAt: clock.now.addingTimeInterval(30))
        #expect(try store.claimLease(other, now: clock.now) == nil)
        #expect(throws: StoreError.self) { try lease.confirm() }
        #expect(lease.isLost)
    }
}
