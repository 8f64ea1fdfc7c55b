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
