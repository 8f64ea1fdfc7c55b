#if canImport(Glibc)
import Glibc
#endif

/// Thin POSIX file helpers for the hot paths of a plan (thousands of manifests and targets),
/// where Foundation's URL and FileManager layers cost more than the work itself.
public enum PosixFiles {
    /// Relative paths of the regular files below `base` whose names end with `suffix`,
    /// skipping hidden entries, sorted.
    static func walk(_ base: String, suffix: String) -> [String] {
        var out: [String] = []
        var pending = [""]
        while let relative = pending.popLast() {
            let directory = relative.isEmpty ? base : base + "/" + relative
            for entry in entries(of: directory) ?? [] {
                let child = relative.isEmpty ? entry.name : relative + "/" + entry.name
                if entry.isDirectory {
                    pending.append(child)
                } else if entry.name.hasSuffix(suffix) {
                    out.append(child)
                }
            }
        }
        return out.sorted()
    }

    /// The entries of a directory, hidden ones (`.…`) left out, in no particular order; symbolic
    /// links are followed to tell directories from files. `nil` when it cannot be opened.
    public static func entries(of directory: String) -> [(name: String, isDirectory: Bool)]? {
        guard let handle = opendir(directory) else { return nil }
        defer { closedir(handle) }
        var out: [(name: String, isDirectory: Bool)] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name.hasPrefix(".") { continue }
            var type = entry.pointee.d_type
            if type == UInt8(DT_UNKNOWN) || type == UInt8(DT_LNK) {
                var st = stat()
                guard stat(directory + "/" + name, &st) == 0 else { continue }
                type = (st.st_mode & S_IFMT) == S_IFDIR ? UInt8(DT_DIR) : UInt8(DT_REG)
            }
            out.append((name, type == UInt8(DT_DIR)))
        }
        return out
    }

    /// The whole content of a regular file, or `nil` when it cannot be read.
    public static func contents(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return nil }
        var bytes = [UInt8](repeating: 0, count: max(Int(st.st_size), 0) + 1)
        var count = 0
        while true {
            if count == bytes.count { bytes.append(contentsOf: repeatElement(0, count: bytes.count)) }
            let n = bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + count, $0.count - count) }
            if n < 0 && errno == EINTR { continue }
            if n < 0 { return nil }
            if n == 0 { break }
            count += n
        }
        bytes.removeSubrange(count...)
        return bytes
    }

    /// `base` joined with `relative`, with `.` and `..` segments resolved lexically; an absolute
    /// `relative` is returned as is (normalised).
    static func join(_ base: String, _ relative: String) -> String {
        let full = relative.hasPrefix("/") ? relative : base + "/" + relative
        var parts: [Substring] = []
        for part in full.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == ".." { if !parts.isEmpty { parts.removeLast() }; continue }
            parts.append(part)
        }
        return "/" + parts.joined(separator: "/")
    }
}
