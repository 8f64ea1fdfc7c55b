import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Calls back when a file changes in any of a set of directories (Linux inotify), so that the
/// controller reconciles at once after a manifest or a dataset is saved instead of waiting for
/// its interval. Costs nothing while nothing changes: one thread blocked in `poll`.
public final class FileWatcher: Sendable {
    private let fd: Int32
    private let watches = Mutex([String: Int32]())
    private let stopped = Atomic<Bool>(false)
    private let onChange: @Sendable () -> Void

    /// - Returns: `nil` where inotify is unavailable (the interval still applies).
    public init?(onChange: @escaping @Sendable () -> Void) {
        #if os(Linux)
        fd = inotify_init1(Int32(IN_CLOEXEC | IN_NONBLOCK))
        guard fd >= 0 else { return nil }
        self.onChange = onChange
        let thread = Thread { [self] in loop() }
        thread.name = "sluice.watch"
        thread.start()
        #else
        return nil
        #endif
    }

    /// Watches exactly these directories from now on (new ones added, others dropped).
    public func watch(_ directories: Set<String>) {
        #if os(Linux)
        watches.withLock { current in
            for (path, wd) in current where !directories.contains(path) {
                inotify_rm_watch(fd, wd)
                current[path] = nil
            }
            let mask = UInt32(IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE | IN_ATTRIB | IN_DELETE_SELF)
            for path in directories where current[path] == nil {
                let wd = inotify_add_watch(fd, path, mask)
                if wd >= 0 { current[path] = wd }
            }
        }
        #endif
    }

    private func loop() {
        #if os(Linux)
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while !stopped.load(ordering: .relaxed) {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&pfd, 1, 500) > 0 else { continue }
            var any = false
            while read(fd, &buffer, buffer.count) > 0 { any = true }
            guard any else { continue }
            // Editors save in several steps; let them finish, and take what follows with it.
            usleep(100_000)
            while read(fd, &buffer, buffer.count) > 0 {}
            onChange()
        }
        close(fd)
        #endif
    }

    /// Stops watching.
    public func stop() { stopped.store(true, ordering: .relaxed) }
}
