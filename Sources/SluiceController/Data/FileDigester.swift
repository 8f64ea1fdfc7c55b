import Foundation
import Synchronization
import SluiceCore
#if canImport(Glibc)
import Glibc
#endif

/// Content digests of files, cached in the store by path, size, times and inode, so that an
/// unchanged file is not read again on every plan.
public final class FileDigester: Sendable {
    public let store: any Store
    /// The store's cache, read once on first use, plus what this digester computed since.
    private let cache = Mutex<[String: (FileStamp, String)]?>(nil)

    public init(store: any Store) { self.store = store }

    private func cached(_ path: String, _ stamp: FileStamp) throws -> String? {
        try cache.withLock { cache in
            if cache == nil { cache = try store.cachedDigests() }
            guard let (s, digest) = cache?[path], s == stamp else { return nil }
            return digest
        }
    }

    /// The stamp of a file, or `nil` when it does not exist. Throws when it is not a regular file.
    public static func stamp(_ path: String) throws -> FileStamp? {
        var st = stat()
        guard stat(path, &st) == 0 else {
            if errno == ENOENT || errno == ENOTDIR { return nil }
            throw DataError("cannot read \(path): \(String(cString: strerror(errno)))")
        }
        guard (st.st_mode & S_IFMT) == S_IFREG else { throw DataError("\(path) is not a regular file") }
        return FileStamp(
            size: Int64(st.st_size),
            mtimeNanoseconds: Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec),
            ctimeNanoseconds: Int64(st.st_ctim.tv_sec) * 1_000_000_000 + Int64(st.st_ctim.tv_nsec),
            inode: UInt64(st.st_ino))
    }

    /// The SHA-256 of the file at `path` (absolute), from the cache when the file is unchanged.
    /// - Returns: `nil` when the file does not exist.
    public func digest(_ path: String) throws -> String? {
        guard let stamp = try FileDigester.stamp(path) else { return nil }
        if let cached = try cached(path, stamp) { return cached }
        let digest = try FileDigester.hash(path)
        // A file modified within the timestamp granularity of its stamp could change again
        // unnoticed ("racy git"); only cache stamps older than a second.
        if Double(stamp.mtimeNanoseconds) / 1e9 < Date().timeIntervalSince1970 - 1 {
            cache.withLock { $0?[path] = (stamp, digest) }
            // Only a cache: a store opened read-only (`plan`, `status`) or one that refuses the write
            // (a lease lost meanwhile) costs a rehash next time.
            try? store.cacheDigest(path: path, stamp: stamp, digest: digest)
        }
        return digest
    }

    /// Hashes a file by streaming it.
    public static func hash(_ path: String) throws -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw DataError("cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var h = SHA256()
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw DataError("cannot read \(path): \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            buffer.withUnsafeBytes { h.update(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
        }
        return h.finalizeHex()
    }
}
