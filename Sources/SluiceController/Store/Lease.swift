import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Who holds the store's writer lease: one process at a time may change a store (DESIGN §2).
///
/// The lease lives in the store itself, so it works wherever the store does (a shared volume
/// seen by two pods included). Its holder renews it with a heartbeat; when the holder dies
/// (`kill -9`, a lost node), another process takes it over once it has expired.
public struct LeaseHolder: Sendable, Equatable, CustomStringConvertible {
    /// A random id of one holding; every write of the holder is checked against it.
    public var token: String
    public var pid: Int32
    public var host: String
    public var command: String
    public var acquiredAt: Date
    public var expiresAt: Date

    public init(token: String, pid: Int32, host: String, command: String, acquiredAt: Date, expiresAt: Date) {
        self.token = token
        self.pid = pid
        self.host = host
        self.command = command
        self.acquiredAt = acquiredAt
        self.expiresAt = expiresAt
    }

    public var description: String {
        "pid \(pid) on \(host), `\(command)`, since \(ISO8601DateFormatter().string(from: acquiredAt))"
    }

    /// Whether `claimant` may take the lease from this holder at `now`: it is its own, or it has
    /// expired, or its holder is a process of this host that no longer exists.
    /// - Parameter isAlive: whether a process of this host is running (`kill(pid, 0)`).
    public func yields(to claimant: LeaseHolder, now: Date, isAlive: (Int32) -> Bool) -> Bool {
        if token == claimant.token { return true }
        if expiresAt <= now { return true }
        return host == claimant.host && !isAlive(pid)
    }

    /// The name of this machine.
    public static var hostName: String {
        var host = [CChar](repeating: 0, count: 256)
        gethostname(&host, 255)
        return String(decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Whether a process with this id runs on this machine.
    public static func processExists(_ pid: Int32) -> Bool {
        kill(pid, 0) == 0 || errno == EPERM
    }
}

/// What became of a renewal: the lease is still this holding's, or it was lost.
public enum LeaseRenewal: Sendable, Equatable {
    case renewed
    /// Another process holds the lease now (or nobody does: it took over and released it).
    case lost(LeaseHolder?)
}

/// The store's side of the writer lease.
public protocol LeaseStore: AnyObject, Sendable {
    /// Takes the lease for `claimant` (its `expiresAt` says until when), in one transaction.
    /// Only for a new holding with a fresh token: a holder renews with ``renewLease(token:until:)``.
    /// - Returns: `nil` when the claimant holds it now, else the current holder.
    func claimLease(_ claimant: LeaseHolder, now: Date) throws -> LeaseHolder?
    /// Extends the lease to `until`, only if `token` still holds it (expired or not: while the row
    /// is still this holding's, nobody else has written). Never re-inserts a token: a holder whose
    /// lease was taken over, or released by another process after a takeover, has lost it for
    /// good and must claim a new holding with a new token.
    /// - Returns: `nil` when renewed, else ``LeaseRenewal/lost(_:)`` with the holder now, if any.
    func renewLease(token: String, until: Date) throws -> LeaseRenewal
    /// Gives the lease up, if `token` still holds it.
    func releaseLease(token: String) throws
    /// The holder now, if any (expired or not).
    func leaseHolder() throws -> LeaseHolder?
    /// From now on every write first checks that `token` still holds the lease, and fails if
    /// another process took it over (`nil`: no check). This is what keeps a stalled holder
    /// that lost its lease from writing alongside the new one.
    func fence(_ token: String?)
}
