import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writes files so that readers see either the old content or the new, never a mix: write a
/// temporary file in the same directory, fsync it, rename it over the target, fsync the directory.
public enum AtomicFile {
    /// Writes `bytes` to `path` atomically, creating the directory if needed.
    /// - Throws: ``FileWriteError`` naming the path and the system's reason.
    public static func write(_ bytes: [UInt8], to path: String) throws {
        try stage(bytes, for: path).commit()
    }

    /// A file written and flushed under a temporary name beside its destination, not yet visible
    /// there: ``commit()`` renames it into place, ``discard()`` (or dropping it) removes it.
    public final class Staged {
        /// The destination.
        public let path: String
        let temp: String
        private var done = false

        init(path: String, temp: String) {
            self.path = path
            self.temp = temp
        }

        /// Renames the file into place and flushes the directory.
        /// - Throws: ``FileWriteError`` naming the path.
        public func commit() throws {
            guard !done else { return }
            guard rename(temp, path) == 0 else {
                let reason = String(cString: strerror(errno))
                discard()
                throw FileWriteError("cannot rename into \(path): \(reason)")
            }
            done = true
            AtomicFile.syncDirectory(AtomicFile.parent(of: path))
        }

        /// Removes the temporary file, leaving the destination as it was.
        public func discard() {
            guard !done else { return }
            done = true
            unlink(temp)
        }

        deinit { discard() }
    }

    /// Writes `bytes` to a temporary file beside `path` and flushes it, creating the directory
    /// if needed; nothing is visible at `path` until ``Staged/commit()``.
    /// - Throws: ``FileWriteError`` naming the path and the system's reason.
    public static func stage(_ bytes: [UInt8], for path: String) throws -> Staged {
        let directory = parent(of: path)
        try makeDirectory(directory)
        let temp = "\(directory)/.\((path as NSString).lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FileWriteError("cannot write in \(directory): \(String(cString: strerror(errno)))") }
        let staged = Staged(path: path, temp: temp)
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { buffer in
                Glibc.write(fd, buffer.baseAddress! + written, bytes.count - written)
            }
            if n < 0 {
                if errno == EINTR { continue }
                let reason = String(cString: strerror(errno))
                close(fd)
                throw FileWriteError("cannot write \(temp): \(reason)")
            }
            written += n
        }
        if fsync(fd) != 0 {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw FileWriteError("cannot fsync \(temp): \(reason)")
        }
        close(fd)
        return staged
    }

    /// Creates a directory and its parents, with a clear error when a file is in the way.
    public static func makeDirectory(_ directory: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
            if !isDirectory.boolValue { throw FileWriteError("\(directory) is a file, not a directory; move it or choose another deploy path") }
            return
        }
        do { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) } catch {
            throw FileWriteError("cannot create directory \(directory): \(reason(error))")
        }
    }

    /// The directory `path` is in: "." for a bare file name ("model.onnx"), not "", and "/" for a
    /// file at the root. (Not `NSString.deletingLastPathComponent`: this toolchain's Foundation
    /// traps on a one-character path, so `sluice export -o x` crashed.)
    static func parent(of path: String) -> String {
        var p = Substring(path)
        while p.count > 1, p.hasSuffix("/") { p = p.dropLast() }
        guard let slash = p.lastIndex(of: "/") else { return "." }
        var parent = p[..<slash]
        while parent.hasSuffix("/") { parent = parent.dropLast() }
        return parent.isEmpty ? "/" : String(parent)
    }

    /// Flushes a directory's entries (after a rename or unlink) to disk.
    public static func syncDirectory(_ directory: String) {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd >= 0 {
            fsync(fd)
            close(fd)
        }
    }

    static func reason(_ error: Error) -> String {
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        return ns.localizedDescription
    }
}
