/// What happened to a model, in an ``EventRecord``. The raw value is what the store keeps and
/// `history` shows; it never changes once released.
public enum EventKind: String, Sendable, CaseIterable {
    /// A version was trained, or taken from the version cache.
    case trained
    /// A version's gate was evaluated and passed.
    case evaluated
    /// A version's gate was evaluated and failed.
    case rejected
    /// A version was published to its target.
    case published
    /// A target that had drifted (its files missing or changed) was published to again.
    case repaired
    /// A version was removed from a target.
    case retired
    /// An action failed; the message says why.
    case failed
    /// `sluice gc` removed an artifact of a version.
    case collected
    /// A monitored model's `Drifted` or `Degraded` condition was first seen (not yet a breach).
    case raised
    /// A monitored model's condition has held for `spec.monitor.persistFor`: a breach.
    case breached
    /// A monitored model's condition no longer holds (or its version left service).
    case cleared
    /// A breach started an automatic retrain (`onBreach: "retrain"`): a feedback snapshot was taken.
    case retrain
    /// Automatic retrains stopped: `spec.monitor.retrain.maxPerWeek` reached; they resume when the spec changes.
    case stalled
    /// `sluice feedback drop` set a feedback snapshot aside: the model goes back to the snapshot
    /// before it, or to its dataset alone.
    case dropped
}
