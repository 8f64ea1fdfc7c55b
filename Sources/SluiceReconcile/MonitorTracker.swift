import Foundation
import SluiceMonitor

/// Debounces monitor conditions: a pure function from the previous state, a new report and the
/// time to the new state and what changed (Flux's "events only on change").
///
/// A `Drifted` or `Degraded` condition is *raised* when a check first sees it and *breached* once it
/// has held, check after check, for `persistFor` (at once for `persistFor` 0); it is *cleared* when a
/// check no longer sees it. `InsufficientData` is tracked (with its `since`) but is never a breach,
/// and changes of it are not transitions. A check on another version than the previous one starts
/// afresh: the old version's conditions are cleared. A check that could not judge the model (see
/// ``failed(_:problem:version:now:)``) changes no condition.
public enum MonitorTracker {
    /// A change worth an event.
    public enum Transition: Sendable, Equatable {
        /// A condition seen for the first time (not yet a breach).
        case raised(MonitorState.Tracked)
        /// A condition that has now held for `persistFor`.
        case breached(MonitorState.Tracked)
        /// A condition no longer seen (or whose version left service).
        case cleared(MonitorState.Tracked)
    }

    /// The state after a check whose report on `version` had `conditions`.
    /// - Parameters:
    ///   - previous: the state before (`nil` for a model never checked).
    ///   - persistFor: seconds a condition must hold to be a breach.
    /// - Returns: the new state and its transitions, cleared ones first.
    ///   - reportJSON: the report's JSON text, kept in the state.
    public static func step(_ previous: MonitorState?, model: String, version: String, conditions: [MonitorCondition], reportJSON: String?,
                            now: Date, persistFor: Double) -> (state: MonitorState, transitions: [Transition]) {
        var transitions: [Transition] = []
        let sameVersion = previous?.version == version
        let before = Dictionary((previous?.conditions ?? []).map { ($0.key, $0) }) { a, _ in a }
        var tracked: [MonitorState.Tracked] = []
        var seen = Set<String>()
        for condition in conditions {
            var t = MonitorState.Tracked(condition: condition, since: now, breached: false)
            guard seen.insert(t.key).inserted else { continue }
            let old = sameVersion ? before[t.key] : nil
            if let old { t.since = old.since }
            t.breached = condition.isBreach && now.timeIntervalSince(t.since) >= persistFor
            if condition.isBreach {
                if t.breached && old?.breached != true {
                    transitions.append(.breached(t))
                } else if old == nil && !t.breached {
                    transitions.append(.raised(t))
                }
            }
            tracked.append(t)
        }
        let cleared = (previous?.conditions ?? []).filter { $0.condition.isBreach && (!sameVersion || !seen.contains($0.key)) }
        transitions = cleared.map(Transition.cleared) + transitions
        return (MonitorState(model: model, version: version, checkedAt: now, problem: nil, conditions: tracked, report: reportJSON), transitions)
    }

    /// The state after a check that could not judge the model: the conditions stay as they were
    /// (neither cleared nor aged into breaches), the problem is noted.
    /// - Parameter version: the version the problem is about, when known.
    public static func failed(_ previous: MonitorState?, model: String, problem: String, version: String?, now: Date) -> MonitorState {
        var state = previous ?? MonitorState(model: model, version: version, checkedAt: now)
        state.checkedAt = now
        state.problem = problem
        return state
    }
}
