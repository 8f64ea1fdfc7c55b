import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The single-writer lock of a store: an exclusive `flock` on `<store>.lock`, which also records
/// who holds it. The kernel releases it when the holder exits, even on `kill -9`.
public final class StoreLock: @unchecked Sendable {
    // Only touched by the owning process's one caller; released in deinit.
    private var fd: Int32
    public let path: String

    private init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
    }

    /// Takes the lock, waiting up to `timeout` for another holder to finish.
    /// - Throws: ``StoreError`` naming the holder (pid, host, command, since when) on timeout.
    public static func acquire(path: String, timeout: Duration, command: String) throws -> StoreLock {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw StoreError("cannot open the lock file \(path): \(String(cString: strerror(errno)))") }
        let deadline = ContinuousClock.now + timeout
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR else {
                close(fd)
                throw StoreError("cannot lock \(path): \(String(cString: strerror(errno)))")
            }
            if ContinuousClock.now >= deadline {
                let holder = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
                close(fd)
                throw StoreError("the store is locked by another process (\(holder.isEmpty ? "unknown holder" : holder)); waited \(timeout). Wait for it to finish, or stop it")
            }
            usleep(50_000)
        }
        var host = [CChar](repeating: 0, count: 256)
        gethostname(&host, 255)
        let since = ISO8601DateFormatter().string(from: Date())
        let hostName = String(decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let info = "pid \(getpid()) on \(hostName), `\(command)`, since \(since)\n"
        ftruncate(fd, 0)
        _ = info.withCString { pwrite(fd, $0, strlen($0), 0) }
        return StoreLock(fd: fd, path: path)
    }

    /// Releases the lock.
    public func release() {
        guard fd >= 0 else { return }
        ftruncate(fd, 0)
        flock(fd, LOCK_UN)
        close(fd)
        fd = -1
    }

    deinit { release() }
}
