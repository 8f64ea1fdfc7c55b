/// What a run's effects are fenced by: the store's writer lease (``WriterLease``: `apply`, and
/// `run` on a SQLite store) or a replica's claims on models (``ClaimHolding``: `run` on a shared
/// PostgreSQL store). Work under a holding that was lost stops, and writes nothing more.
public protocol Holding: Sendable {
    /// Why the holding was lost, if it was: work stops, as on shutdown.
    var lostReason: String? { get }
    /// Renews the holding now and checks that it is still held: called right before a write
    /// outside the store (a rename into a deploy directory, a request to a server) commits.
    /// - Throws: ``StoreError`` saying the holding was lost.
    func confirm() throws
}

extension Holding {
    /// Whether the holding was lost.
    public var isLost: Bool { lostReason != nil }
}

extension WriterLease: Holding {}
