import Foundation

/// The store's side of the writer lease.
public protocol LeaseStore: AnyObject, Sendable {
    /// Takes the lease for `claimant` (its `expiresAt` says until when), in one transaction.
    /// Only for a new holding with a fresh token: a holder renews with ``renewLease(token:until:)``.
    /// - Returns: `nil` when the claimant holds it now, else the current holder.
    func claimLease(_ claimant: LeaseHolder, now: Date) throws -> LeaseHolder?
    /// Extends the lease to `until`, only if `token` still holds it (expired or not: while the row
    /// is still this holding's, nobody else has written). Never re-inserts a token: a holder whose
    /// lease was taken over, or released by another process after a takeover, has lost it for
    /// good and must claim a new holding with a new token.
    /// - Returns: `nil` when renewed, else ``LeaseRenewal/lost(_:)`` with the holder now, if any.
    func renewLease(token: String, until: Date) throws -> LeaseRenewal
    /// Gives the lease up, if `token` still holds it.
    func releaseLease(token: String) throws
    /// The holder now, if any (expired or not).
    func leaseHolder() throws -> LeaseHolder?
    /// From now on every write first checks that `token` still holds the lease, and fails if
    /// another process took it over (`nil`: no check). This is what keeps a stalled holder
    /// that lost its lease from writing alongside the new one.
    func fence(_ token: String?)
}
