import CLibPQ
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// `LISTEN` to some channels on a connection of its own, on a thread of its own: calls `notify`
/// with the channel and the payload of every notification. A lost connection is opened again after a pause; meanwhile nothing wakes, and
/// the replicas' polling carries on (a notification is a hint, never the only way work is found).
final class PGListener: Sendable {
    private let stopped = Atomic<Bool>(false)

    init(uri: String, channels: [String], notify: @escaping @Sendable (String, String) -> Void) {
        // The thread holds the listener until it stops.
        let thread = Thread { self.loop(uri: uri, channels: channels, notify: notify) }
        thread.name = "sluice.listen"
        thread.start()
    }

    /// Stops listening (within a second) and closes the connection.
    func stop() { stopped.store(true, ordering: .relaxed) }

    private func loop(uri: String, channels: [String], notify: @Sendable (String, String) -> Void) {
        while !stopped.load(ordering: .relaxed) {
            if let conn = Self.connect(uri: uri, channels: channels) {
                listen(conn, notify: notify)
                PQfinish(conn)
            }
            for _ in 0..<20 where !stopped.load(ordering: .relaxed) { Thread.sleep(forTimeInterval: 0.1) }
        }
    }

    private static func connect(uri: String, channels: [String]) -> OpaquePointer? {
        guard let conn = PQconnectdb(PGConnection.withTimeouts(uri)) else { return nil }
        guard PQstatus(conn) == CONNECTION_OK else {
            PQfinish(conn)
            return nil
        }
        for channel in channels {
            guard let result = PQexec(conn, "LISTEN \(channel)") else {
                PQfinish(conn)
                return nil
            }
            let ok = PQresultStatus(result) == PGRES_COMMAND_OK
            PQclear(result)
            if !ok { PQfinish(conn); return nil }
        }
        return conn
    }

    /// Waits for notifications until stopped or the connection fails.
    private func listen(_ conn: OpaquePointer, notify: @Sendable (String, String) -> Void) {
        let socket = PQsocket(conn)
        guard socket >= 0 else { return }
        while !stopped.load(ordering: .relaxed) {
            var fd = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
            let ready = poll(&fd, 1, 1000)
            if ready < 0, errno != EINTR { return }
            guard ready > 0 else { continue }
            guard PQconsumeInput(conn) == 1 else { return }
            while let n = PQnotifies(conn) {
                let channel = String(cString: n.pointee.relname), payload = String(cString: n.pointee.extra)
                PQfreemem(n)
                notify(channel, payload)
            }
            if PQstatus(conn) != CONNECTION_OK { return }
        }
    }
}
