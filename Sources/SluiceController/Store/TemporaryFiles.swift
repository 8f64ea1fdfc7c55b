import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Temporary files a killed process leaves behind: `.NAME.tmp-PID-RAND` (``AtomicFile``, and
/// dataset downloads) and `.sluice-probe-PID-RAND` (a target's preflight), in deploy
/// directories, the store's artifacts and the download cache. A writer renames or removes its
/// own, so one that stays is an orphan once its process is gone; ``sweep(_:depth:now:)``
/// removes those on start.
public enum TemporaryFiles {
    /// A file younger than this is never removed: its writer may be at work in another PID
    /// namespace (a container sharing the directory), where this process cannot see it.
    public static let grace: Double = 60
    /// A file older than this is removed even when a process with its PID runs (PIDs are reused).
    public static let stale: Double = 24 * 3600

    /// The PID in a temporary file's name, or `nil` when the name is not one of Sluice's.
    public static func writer(of name: String) -> Int32? {
        guard name.hasPrefix(".") else { return nil }
        let parts = name.split(separator: "-")
        guard parts.count >= 3, let pid = Int32(parts[parts.count - 2]), pid > 0, UInt32(parts[parts.count - 1]) != nil else { return nil }
        let stem = parts.dropLast(2).joined(separator: "-")
        guard stem.hasSuffix(".tmp") || stem == ".sluice-probe" else { return nil }
        return pid
    }

    /// Whether a temporary file is an orphan: old enough, and its writer gone (or it is very old).
    /// - Parameters:
    ///   - age: seconds since the file was last written.
    ///   - alive: whether a process with the writer's PID runs on this host.
    public static func isOrphan(age: Double, writer: Int32, alive: Bool, ourPID: Int32 = getpid()) -> Bool {
        guard writer != ourPID, age >= grace else { return false }
        return !alive || age >= stale
    }

    /// Removes the orphaned temporary files in `directory` and, `depth` levels down, in its
    /// subdirectories.
    /// - Returns: the paths removed.
    @discardableResult
    public static func sweep(_ directory: String, depth: Int = 0, now: Date = Date()) -> [String] {
        guard let handle = opendir(directory) else { return [] }
        var names: [(String, UInt8)] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self) }
            if name != ".", name != ".." { names.append((name, entry.pointee.d_type)) }
        }
        closedir(handle)
        var removed: [String] = []
        for (name, type) in names {
            let path = "\(directory)/\(name)"
            if type == UInt8(DT_DIR), depth > 0, !name.hasPrefix(".") {
                removed += sweep(path, depth: depth - 1, now: now)
                continue
            }
            guard let pid = writer(of: name) else { continue }
            var st = stat()
            guard lstat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { continue }
            let age = now.timeIntervalSince1970 - (Double(st.st_mtim.tv_sec) + Double(st.st_mtim.tv_nsec) / 1e9)
            let alive = kill(pid, 0) == 0 || errno == EPERM
            if isOrphan(age: age, writer: pid, alive: alive), unlink(path) == 0 { removed.append(path) }
        }
        return removed
    }
}
