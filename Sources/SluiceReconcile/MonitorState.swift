import Foundation
import SluiceMonitor

/// What the controller knows of a monitored model, kept in the store so that a restart loses
/// nothing: the conditions that hold, since when, and which are breaches; the last check.
public struct MonitorState: Sendable, Equatable {
    /// A condition as tracked across checks.
    public struct Tracked: Sendable, Equatable {
        /// The condition as the last check saw it (its message is the latest measurement).
        public var condition: MonitorCondition
        /// When it was first seen, in an unbroken run of checks where it held.
        public var since: Date
        /// Whether it has held for `persistFor` (never for `InsufficientData`, which only informs).
        public var breached: Bool

        /// Creates a tracked condition.
        public init(condition: MonitorCondition, since: Date, breached: Bool) {
            self.condition = condition
            self.since = since
            self.breached = breached
        }

        /// `Type/Reason`: what identifies the condition from one check to the next.
        public var key: String { "\(condition.kind.rawValue)/\(condition.reason.rawValue)" }
    }

    /// The model.
    public var model: String
    /// The version the conditions are about (the one the server served at the last check that answered).
    public var version: String?
    /// When the last check ran.
    public var checkedAt: Date
    /// Why the last check could not judge the model (server unreachable, an answer that does not
    /// read, a version without a reference profile); `nil` when it could.
    public var problem: String?
    /// The conditions that hold, in the order the report gave them.
    public var conditions: [Tracked]
    /// The last report's JSON (``MonitorReport/json``), for `status` and `/metrics`; `null` before any.
    public var report: String?
    /// Where the retrain loop stands (`onBreach: "retrain"`): why a breach has not started a retrain
    /// (cooling down, stalled, waiting for labels), or the last retrain it started; `nil` when no
    /// breach asked for one.
    public var retrain: String?

    /// Creates a state.
    public init(model: String, version: String?, checkedAt: Date, problem: String? = nil, conditions: [Tracked] = [], report: String? = nil,
                retrain: String? = nil) {
        self.retrain = retrain
        self.model = model
        self.version = version
        self.checkedAt = checkedAt
        self.problem = problem
        self.conditions = conditions
        self.report = report
    }

    /// The breaches among the conditions.
    public var breaches: [Tracked] { conditions.filter(\.breached) }
}
