#if canImport(Glibc)
import Glibc
#endif

/// Thin POSIX file helpers for the hot paths of a plan (thousands of manifests and targets),
/// where Foundation's URL and FileManager layers cost more than the work itself.
public enum PosixFiles {
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

    /// The most a manifest file may hold (4 MiB): far above any real manifest, far below what
    /// could exhaust memory.
    public static let manifestLimit = 4 << 20
    /// The most a `metadata.json` (or another small record Sluice writes) may hold (4 MiB).
    public static let metadataLimit = 4 << 20
    /// The most a `model.json` artifact may hold (1 GiB).
    public static let artifactLimit = 1 << 30
    /// The most a dataset file may hold to be read whole (2 GiB).
    public static let datasetLimit = 2 << 30

    /// The whole content of a regular file of at most `limit` bytes.
    ///
    /// The file is opened without blocking (a FIFO or a device never hangs the caller), checked
    /// to be a regular file, and its size is checked against `limit` before anything is
    /// allocated; a file that grows past `limit` while it is read is refused too.
    /// - Throws: ``FileReadError`` saying why (the system's reason, not a regular file, too large);
    ///   its message does not name the file, the caller does.
    public static func read(_ path: String, limit: Int) throws(FileReadError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)
        guard fd >= 0 else { throw FileReadError(kind: .system(errno: errno)) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw FileReadError(kind: .system(errno: errno)) }
        guard (st.st_mode & S_IFMT) == S_IFREG else { throw FileReadError(kind: .notRegular(kind: fileKind(st.st_mode))) }
        let size = Int(st.st_size)
        guard size <= limit else { throw FileReadError(kind: .tooLarge(size: size, limit: limit)) }
        var bytes = [UInt8](repeating: 0, count: size + 1)
        var count = 0
        while true {
            if count == bytes.count {
                guard count <= limit else { throw FileReadError(kind: .tooLarge(size: count, limit: limit)) }
                bytes.append(contentsOf: repeatElement(0, count: min(max(bytes.count, 1 << 16), limit + 1 - count)))
            }
            let n = bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + count, $0.count - count) }
            if n < 0 && errno == EINTR { continue }
            if n < 0 { throw FileReadError(kind: .system(errno: errno)) }
            if n == 0 { break }
            count += n
        }
        guard count <= limit else { throw FileReadError(kind: .tooLarge(size: count, limit: limit)) }
        bytes.removeSubrange(count...)
        return bytes
    }

    /// What kind of file a mode describes, for messages ("a FIFO", "a directory").
    public static func fileKind(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFDIR: "a directory"
        case S_IFIFO: "a FIFO (named pipe)"
        case S_IFSOCK: "a socket"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        case S_IFLNK: "a symbolic link"
        default: "not a regular file"
        }
    }

    /// An absolute, normalised `path` with the symbolic links of its longest existing prefix
    /// resolved (`realpath`), and the part that does not exist yet appended as it is.
    public static func resolved(_ path: String) -> String {
        var head = path
        var missing: [String] = []
        while true {
            if let real = realpath(head, nil) {
                defer { free(real) }
                let found = String(cString: real)
                guard !missing.isEmpty else { return found }
                return (found == "/" ? "" : found) + "/" + missing.reversed().joined(separator: "/")
            }
            guard head != "/", let slash = head.lastIndex(of: "/") else { return path }
            missing.append(String(head[head.index(after: slash)...]))
            head = slash == head.startIndex ? "/" : String(head[..<slash])
        }
    }

    /// A path a user gave, made absolute: `path` itself when it is absolute, otherwise `path`
    /// relative to `base`; either way normalised, with `.`, `..` and repeated `/` resolved
    /// lexically (symbolic links are not followed: see ``resolved(_:)``).
    ///
    /// The one place Sluice resolves "absolute, or relative to a directory" (the manifests
    /// directory, the store, caches, deploy roots and paths, the served repository), so that
    /// every option and field reads a path the same way.
    /// - Parameters:
    ///   - base: the directory a relative `path` is relative to (absolute), e.g. the root or
    ///     ``currentDirectory``.
    ///   - path: absolute, or relative to `base`.
    public static func join(_ base: String, _ path: String) -> String {
        let full = path.hasPrefix("/") ? path : base + "/" + path
        var parts: [Substring] = []
        for part in full.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == ".." { if !parts.isEmpty { parts.removeLast() }; continue }
            parts.append(part)
        }
        return "/" + parts.joined(separator: "/")
    }

    /// A path a person typed (an option, a `--config` value): `~` expanded, then absolute, or
    /// relative to `base`, and otherwise left as written, so that the kernel resolves it when it
    /// is opened: `..` after a symbolic link is the parent of the link's target, as in a shell
    /// (``join(_:_:)`` would take it lexically). For the store, the served repository and the
    /// deploy roots, where another directory than the one the user meant would be a silent
    /// data loss (an empty store retrains and republishes everything).
    /// - Parameters:
    ///   - path: what the user wrote.
    ///   - base: the directory a relative `path` is relative to (absolute).
    public static func userPath(_ path: String, relativeTo base: String) -> String {
        let path = expandingTilde(path)
        return path.hasPrefix("/") ? path : (base.hasSuffix("/") ? base : base + "/") + path
    }

    /// `path` with a leading `~` or `~/` replaced by the home directory (`$HOME`), as a shell
    /// does; a `--config` file's values and `--option=~/x` reach Sluice unexpanded.
    public static func expandingTilde(_ path: String) -> String {
        guard path == "~" || path.hasPrefix("~/"), let home = getenv("HOME").map({ String(cString: $0) }), !home.isEmpty else { return path }
        return home + path.dropFirst()
    }

    /// The process's current directory, absolute (`/` when it cannot be told).
    public static var currentDirectory: String {
        guard let cwd = getcwd(nil, 0) else { return "/" }
        defer { free(cwd) }
        return String(cString: cwd)
    }
}
