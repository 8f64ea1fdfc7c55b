import Synchronization

/// The SHA-256 of objects this process has read, by URL and ETag: observing a target asks S3
/// with `If-None-Match`, and an unchanged object (304) is not downloaded again to be hashed.
/// A changed object has another ETag, so it is read and hashed anew; a server that ignores
/// `If-None-Match` answers 200, and the body is hashed as if nothing were cached.
public final class S3Digests: Sendable {
    /// The process's cache, shared by every ``S3Client`` made with the defaults.
    public static let shared = S3Digests()

    private let entries = Mutex<[String: (etag: String, sha256: String)]>([:])
    /// Entries kept at most (all are forgotten past it; a forgotten one costs one download).
    static let capacity = 4096

    public init() {}

    /// What is known of the object at `url`.
    func entry(_ url: String) -> (etag: String, sha256: String)? {
        entries.withLock { $0[url] }
    }

    /// Remembers the digest of the object at `url` with the ETag it was served with.
    func remember(_ url: String, etag: String, sha256: String) {
        entries.withLock { entries in
            if entries.count >= Self.capacity { entries = [:] }
            entries[url] = (etag, sha256)
        }
    }

    /// Forgets the object at `url` (it was deleted or rewritten).
    func forget(_ url: String) {
        _ = entries.withLock { $0.removeValue(forKey: url) }
    }
}
