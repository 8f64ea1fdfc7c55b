#if canImport(Glibc)
import Glibc
#endif

/// Why ``PosixFiles/read(_:limit:)`` could not read a file. The message says why and what to
/// do, without the file's name (the caller puts it in front).
public struct FileReadError: Error, Sendable, Equatable, CustomStringConvertible {
    enum Kind: Sendable, Equatable {
        /// The system refused (`open`, `fstat` or `read` failed with this errno).
        case system(errno: Int32)
        /// Not a regular file (a FIFO, a device, a directory…): never opened for reading.
        case notRegular(kind: String)
        /// Larger than the limit the caller set.
        case tooLarge(size: Int, limit: Int)
    }

    let kind: Kind

    /// Whether the file does not exist (so callers can treat "absent" apart from "unreadable").
    public var isMissing: Bool { kind == .system(errno: ENOENT) || kind == .system(errno: ENOTDIR) }

    public var description: String {
        switch kind {
        case .system(let code):
            "cannot read the file: \(String(cString: strerror(code)))"
        case .notRegular(let what):
            "is \(what), not a regular file; it is not read (reading it could block forever). Remove it or rename it"
        case .tooLarge(let size, let limit):
            "is \(Self.bytes(size)), more than the \(Self.bytes(limit)) limit for this kind of file; it is not read. Check that it is the file you meant"
        }
    }

    /// `4 MiB`, `1 TiB`, `123 bytes`: a size in the largest binary unit that divides it evenly,
    /// or in bytes.
    static func bytes(_ n: Int) -> String {
        for (shift, unit) in [(40, "TiB"), (30, "GiB"), (20, "MiB"), (10, "KiB")] where n >= 1 << shift && n % (1 << shift) == 0 {
            return "\(n >> shift) \(unit)"
        }
        return n >= 1 << 20 ? "\(n) bytes (\(n >> 20) MiB)" : "\(n) bytes"
    }
}
