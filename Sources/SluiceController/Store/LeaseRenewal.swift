/// What became of a renewal: the lease is still this holding's, or it was lost.
public enum LeaseRenewal: Sendable, Equatable {
    case renewed
    /// Another process holds the lease now (or nobody does: it took over and released it).
    case lost(LeaseHolder?)
}
