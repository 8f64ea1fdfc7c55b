import SluiceSystem
#if canImport(Glibc)
import Glibc
#endif

/// The files below a manifests directory, and every entry that could not be looked at.
///
/// The walk follows symbolic links, but reads each directory once (by device and inode), so a
/// link loop or a second link to a directory is reported instead of walked forever; it never
/// opens anything but directories, and goes at most ``maxDepth`` levels down. An entry that
/// cannot be examined — an unreadable directory, a dangling link, a failing `stat` — is a
/// problem, never silently skipped: a model whose file could not be seen must not look removed.
public struct ManifestWalk: Sendable {
    /// An entry that could not be examined or is not what a manifests directory may hold.
    public struct Problem: Sendable, Equatable {
        /// Relative to the walked directory; empty for the directory itself.
        public var path: String
        public var message: String
    }

    /// The deepest a manifests directory is walked.
    public static let maxDepth = 32

    /// Regular files whose names end with the suffix, relative to the walked directory, sorted.
    public var files: [String] = []
    /// Regular files in a format that is not read (`*.yaml`, `*.yml`), sorted.
    public var otherFormats: [String] = []
    /// Sorted by path.
    public var problems: [Problem] = []

    /// Walks `base`, skipping hidden entries (`.…`).
    /// - Parameters:
    ///   - suffix: the file names to collect (`.json`).
    ///   - notRead: suffixes of files that are listed in ``otherFormats``, not read.
    public init(_ base: String, suffix: String, notRead: [String] = []) {
        var visited: [DirectoryID: String] = [:]
        var other: [String] = []
        var st = stat()
        guard stat(base, &st) == 0 else {
            problems = [Problem(path: "", message: "cannot read the directory: \(Self.reason(errno))")]
            return
        }
        visited[DirectoryID(st)] = ""
        var pending: [(relative: String, depth: Int)] = [("", 0)]
        while let (relative, depth) = pending.popLast() {
            let directory = relative.isEmpty ? base : base + "/" + relative
            errno = 0
            guard let handle = opendir(directory) else {
                problems.append(Problem(path: relative, message: "cannot read the directory: \(Self.reason(errno))"))
                continue
            }
            defer { closedir(handle) }
            while true {
                errno = 0
                guard let entry = readdir(handle) else {
                    if errno != 0 { problems.append(Problem(path: relative, message: "cannot list the directory: \(Self.reason(errno))")) }
                    break
                }
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
                }
                if name.hasPrefix(".") { continue }
                let child = relative.isEmpty ? name : relative + "/" + name
                let full = directory + "/" + name
                var st = stat()
                guard stat(full, &st) == 0 else {
                    problems.append(Problem(path: child, message: Self.unreachable(full, errno: errno)))
                    continue
                }
                switch st.st_mode & S_IFMT {
                case S_IFDIR:
                    let id = DirectoryID(st)
                    if let first = visited[id] {
                        let earlier = first.isEmpty ? "the manifests directory itself" : first
                        problems.append(Problem(path: child, message: "is the same directory as \(earlier) (a symbolic link loop, or a second link to one directory); it is not read again. Remove the link"))
                    } else if depth + 1 > Self.maxDepth {
                        problems.append(Problem(path: child, message: "is more than \(Self.maxDepth) directories deep; it is not read. Flatten the manifests directory"))
                    } else {
                        visited[id] = child
                        pending.append((child, depth + 1))
                    }
                case S_IFREG:
                    if name.hasSuffix(suffix) {
                        files.append(child)
                    } else if notRead.contains(where: { name.hasSuffix($0) }) {
                        other.append(child)
                    }
                default:
                    if name.hasSuffix(suffix) {
                        problems.append(Problem(path: child, message: "is \(PosixFiles.fileKind(st.st_mode)), not a regular file; it is not read (reading it could block forever). Remove it or rename it"))
                    }
                }
            }
        }
        files.sort()
        self.otherFormats = other.sorted()
        problems.sort { $0.path < $1.path }
    }

    /// Why `stat` failed on an entry; a dangling symbolic link says where it points.
    static func unreachable(_ path: String, errno code: Int32) -> String {
        var l = stat()
        if lstat(path, &l) == 0, (l.st_mode & S_IFMT) == S_IFLNK {
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let n = readlink(path, &buffer, buffer.count - 1)
            let target = n >= 0 ? String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) : "?"
            return "is a symbolic link to \(target) that cannot be followed: \(reason(code)). Restore its target or remove the link"
        }
        return "cannot be examined: \(reason(code))"
    }

    static func reason(_ code: Int32) -> String { String(cString: strerror(code)) }

    /// A directory's identity: device and inode.
    struct DirectoryID: Hashable {
        var device: UInt64
        var inode: UInt64
        init(_ st: stat) {
            device = UInt64(st.st_dev)
            inode = UInt64(st.st_ino)
        }
    }
}
