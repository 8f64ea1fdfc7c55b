import CLibPQ
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// `LISTEN channel` on a connection of its own, on a thread of its own: calls `wake` for every
/// notification. A lost connection is opened again after a pause; meanwhile nothing wakes, and
/// the replicas' polling carries on (a notification is a hint, never the only way work is found).
final class PGListener: Sendable {
    private let stopped = Atomic<Bool>(false)

    init(uri: String, channel: String, wake: @escaping @Sendable () -> Void) {
        // The thread holds the listener until it stops.
        let thread = Thread { self.loop(uri: uri, channel: channel, wake: wake) }
        thread.name = "sluice.listen"
        thread.start()
    }

    /// Stops listening (within a second) and closes the connection.
    func stop() { stopped.store(true, ordering: .relaxed) }

    private func loop(uri: String, channel: String, wake: @Sendable () -> Void) {
        while !stopped.load(ordering: .relaxed) {
            if let conn = Self.connect(uri: uri, channel: channel) {
                listen(conn, wake: wake)
                PQfinish(conn)
            }
            for _ in 0..<20 where !stopped.load(ordering: .relaxed) { Thread.sleep(forTimeInterval: 0.1) }
        }
    }

    private static func connect(uri: String, channel: String) -> OpaquePointer? {
        guard let conn = PQconnectdb(PGConnection.withTimeouts(uri)) else { return nil }
        guard PQstatus(conn) == CONNECTION_OK, let result = PQexec(conn, "LISTEN \(channel)") else {
            PQfinish(conn)
            return nil
        }
        let ok = PQresultStatus(result) == PGRES_COMMAND_OK
        PQclear(result)
        if !ok { PQfinish(conn); return nil }
        return conn
    }

    /// Waits for notifications until stopped or the connection fails.
    private func listen(_ conn: OpaquePointer, wake: @Sendable () -> Void) {
        let socket = PQsocket(conn)
        guard socket >= 0 else { return }
        while !stopped.load(ordering: .relaxed) {
            var fd = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
            let ready = poll(&fd, 1, 1000)
            if ready < 0, errno != EINTR { return }
            guard ready > 0 else { continue }
            guard PQconsumeInput(conn) == 1 else { return }
            var woke = false
            while let n = PQnotifies(conn) {
                PQfreemem(n)
                woke = true
            }
            if woke { wake() }
            if PQstatus(conn) != CONNECTION_OK { return }
        }
    }
}
