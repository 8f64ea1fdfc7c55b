import Foundation
import SluiceReconcile

/// The replicas' work queue: how several `sluice run` processes sharing one store split the
/// reconciling of the models between them (issue 15).
///
/// One replica leads (it holds the store's writer lease): it syncs the manifests, plans, and
/// ``enqueue(_:planned:observedAt:leader:)``s the models whose plan has actions. Every replica,
/// the leader included, ``claim(limit:holder:lease:)``s models, each with a token of its own and
/// a lease it renews (``renew(_:lease:)``), plans and carries out each claimed model again from a
/// snapshot of its own, then ``finish(_:failure:)``es it. While a replica works on a model, its
/// store writes about that model are fenced by the claim (``fence(model:token:)``): once the lease
/// has run out (the replica was paused, partitioned or killed), nothing it writes about the model
/// is recorded, and another replica may claim the model.
///
/// Times (leases, backoff) are the store server's, so replicas on hosts whose clocks disagree
/// still agree on when a lease ends.
public protocol WorkQueue: AnyObject, Sendable {
    /// Puts the leader's plan into the queue, in one transaction checked against the writer lease
    /// `leader` holds: a model of `items` is queued (or stays queued; a changed fingerprint resets
    /// its backoff), and every other model's entry that no replica works on now is removed.
    /// - Parameters:
    ///   - observedAt: when the plan's snapshot started (``serverTime()``): an entry a replica
    ///     finished after that stays finished (the plan may predate its work), an older one is
    ///     queued again.
    /// - Returns: how many entries can be claimed now.
    /// - Throws: ``StoreError`` when `leader` no longer holds the writer lease (nothing is queued).
    @discardableResult
    func enqueue(_ items: [WorkItem], observedAt: Date, leader: String) throws -> Int

    /// Claims up to `limit` models that are queued, not backing off, and not worked on by a
    /// replica whose lease still runs (`FOR UPDATE SKIP LOCKED`: replicas never wait for each other).
    /// - Parameters:
    ///   - holder: who claims (host, pid), shown in `status`.
    ///   - lease: how long each claim lasts without a renewal.
    ///   - retry: the backoff of a model whose claim ran out: that counts as a failure (its replica
    ///     was killed, perhaps by the model itself), and it is taken over once the backoff of the
    ///     failures before it has passed (at once the first time).
    func claim(limit: Int, holder: String, lease: Duration, retry: RetryPolicy) throws -> [WorkClaim]

    /// Extends the leases of `claims` that are still held.
    /// - Returns: the tokens still held (those missing were lost: their lease had run out).
    func renew(_ claims: [WorkClaim], lease: Duration) throws -> Set<String>

    /// Ends a claim: the model's entry is finished, or, with a `failure`, waits until its
    /// `retryAt` (server time) and counts one more failure. Fenced like every other write. When
    /// the leader queued newer work for the model meanwhile (another fingerprint), the claim only
    /// ends: that work stays queued, uncharged.
    /// - Throws: ``StoreError`` when the claim was lost (nothing is recorded).
    func finish(_ claim: WorkClaim, failure: WorkFailure?) throws

    /// Gives claims up without finishing them (a shutdown): another replica may claim them at once.
    func release(_ claims: [WorkClaim]) throws

    /// Every entry of the queue, by model name.
    func workEntries() throws -> [WorkEntry]

    /// The store server's time now.
    func serverTime() throws -> Date

    /// From now on, every store write about `model` first checks that `token` still holds the
    /// model's claim (`nil`: no longer).
    func fence(model: String, token: String?)

    /// From now on, every store write about a model this process has not claimed (the leader's
    /// conditions, monitor states, feedback snapshots) first checks that `token` still holds the
    /// writer lease: a leader paused past its lease records nothing when it wakes. Writes about no
    /// model (artifacts) are not fenced by it: a replica that no longer leads still works.
    func fenceLeader(_ token: String?)

    /// Starts calling `signal` when the leader queues work (``WorkSignal/work``) and when a
    /// replica asks the leader for a cycle (``WorkSignal/cycle(_:)``): PostgreSQL's `LISTEN`, on a
    /// connection of its own. A hint only: replicas poll the queue anyway, so a store that cannot
    /// notify (PgBouncer in transaction mode) only makes them slower to start. Returns a function
    /// that stops listening.
    func listen(_ signal: @escaping @Sendable (WorkSignal) -> Void) -> @Sendable () -> Void

    /// Asks the leader, whichever replica it is, for a cycle now (a follower's `POST /reconcile`
    /// or SIGHUP); `reason` is what its log says.
    func requestCycle(_ reason: String) throws
}

extension WorkQueue {
    /// Claims with the default backoff (``RetryPolicy/init(base:cap:)``).
    public func claim(limit: Int, holder: String, lease: Duration) throws -> [WorkClaim] {
        try claim(limit: limit, holder: holder, lease: lease, retry: RetryPolicy())
    }
}

/// What a replica hears from the others through the store (``WorkQueue/listen(_:)``).
public enum WorkSignal: Sendable, Equatable {
    /// The leader queued work.
    case work
    /// A replica asks the leader for a cycle, for this reason.
    case cycle(String)
}

/// A model the leader's plan has work for.
public struct WorkItem: Sendable, Equatable {
    public var model: String
    /// What the plan was made from (manifest, data and feedback digests): a new fingerprint is a
    /// change, which clears the model's backoff.
    public var fingerprint: String
    /// The manifests' revision the plan was made at.
    public var revision: String?
    /// The plan's actions, for `status` (`train, evaluate, publish`).
    public var actions: String

    public init(model: String, fingerprint: String, revision: String?, actions: String) {
        self.model = model
        self.fingerprint = fingerprint
        self.revision = revision
        self.actions = actions
    }
}

/// A replica's claim on one model.
public struct WorkClaim: Sendable, Equatable {
    public var model: String
    /// The claim's token: every fenced write about the model checks it.
    public var token: String
    /// The claim's fencing number: it grows with every claim of any model.
    public var fence: Int64
    /// The revision the leader planned the model at.
    public var revision: String?
    /// Failures of the model's work so far (its backoff counts them).
    public var failures: Int
    /// The replica whose lease on the model had run out when this claim took it over, if any.
    public var takenOverFrom: String?
    /// The fingerprint of the work claimed (``WorkItem/fingerprint``): when the leader queues a
    /// newer one meanwhile, finishing this claim neither marks that work done nor charges it a failure.
    public var fingerprint: String

    public init(model: String, token: String, fence: Int64, revision: String?, failures: Int, takenOverFrom: String?,
                fingerprint: String = "") {
        self.fingerprint = fingerprint
        self.model = model
        self.token = token
        self.fence = fence
        self.revision = revision
        self.failures = failures
        self.takenOverFrom = takenOverFrom
    }

    /// The start of the writer lease's `command` when a replica leads: replicas claim work only
    /// while the lease is free or a replica holds it, never while `apply`, `gc` or another command
    /// that changes the store on its own holds it.
    public static let replicaMark = "[replica] "

    /// What a write about `model` says once its claim is lost.
    public static func lostMessage(_ model: String) -> String {
        "this replica's claim on model \(model) was lost (its lease ran out, and another replica may have taken the model over); nothing more is written about it by this replica"
    }
}

/// Why a claimed model's work failed, and when to try again.
public struct WorkFailure: Sendable, Equatable {
    public var message: String
    /// Seconds from now (the server's) before the model may be claimed again.
    public var retryAfter: Double

    public init(message: String, retryAfter: Double) {
        self.message = message
        self.retryAfter = retryAfter
    }
}

/// One model's entry in the queue, as `status` shows it.
public struct WorkEntry: Sendable, Equatable {
    public var model: String
    public var actions: String
    public var revision: String?
    public var enqueuedAt: Date
    /// Not claimed before this (backoff after failures).
    public var notBefore: Date
    public var failures: Int
    public var lastError: String?
    /// When a replica last finished it (it stays until the leader's next plan).
    public var doneAt: Date?
    /// Who works on it now, and until when (their lease may have run out).
    public var holder: String?
    /// When the replica working on it claimed it.
    public var claimedAt: Date?
    public var leaseUntil: Date?
    public var fence: Int64
    /// How many times it was claimed.
    public var claims: Int

    public init(model: String, actions: String, revision: String?, enqueuedAt: Date, notBefore: Date, failures: Int, lastError: String?,
                doneAt: Date?, holder: String?, leaseUntil: Date?, fence: Int64, claims: Int, claimedAt: Date? = nil) {
        self.model = model
        self.actions = actions
        self.revision = revision
        self.enqueuedAt = enqueuedAt
        self.notBefore = notBefore
        self.failures = failures
        self.lastError = lastError
        self.doneAt = doneAt
        self.holder = holder
        self.claimedAt = claimedAt
        self.leaseUntil = leaseUntil
        self.fence = fence
        self.claims = claims
    }
}
