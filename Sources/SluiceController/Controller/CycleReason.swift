/// Why a controller cycle runs: logged as `cycle.reason`, and it decides one rule — a source that
/// failed to update is tried again by a trigger at once, but not by the interval while it waits.
public enum CycleReason: Sendable, Equatable, CustomStringConvertible {
    /// The first cycle after the controller started.
    case start
    /// The interval passed.
    case interval
    /// The writer lease was lost and taken again (with a new token).
    case leaseRetaken
    /// Asked for: SIGHUP, `POST /reconcile`, a watched file changed, a dataset download finished.
    case triggered(String)

    /// The reason in words, as logged: "start", "interval", "the writer lease was taken again",
    /// or the trigger's own words.
    public var description: String {
        switch self {
        case .start: "start"
        case .interval: "interval"
        case .leaseRetaken: "the writer lease was taken again"
        case .triggered(let why): why
        }
    }
}
