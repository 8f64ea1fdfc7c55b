import SluiceController
import SluiceManifest
import SluiceMonitor
import SluiceReconcile

/// A model's health at a glance, from what the last cycle recorded, what monitoring saw and the
/// manifest: the first that holds of suspended, failed, stalled, rejected, degraded, drifted,
/// ready; `pending` before any cycle recorded the model; `retired` once it is out of service for good.
public enum Health: String, Sendable, CaseIterable, Comparable {
    case failed, stalled, rejected, degraded, drifted, suspended, pending, ready, retired

    /// The word a person reads.
    public var words: String {
        switch self {
        case .failed: "failed"
        case .stalled: "stalled"
        case .rejected: "rejected"
        case .degraded: "degraded"
        case .drifted: "drifted"
        case .suspended: "suspended"
        case .pending: "pending"
        case .ready: "ready"
        case .retired: "retired"
        }
    }

    /// A mark that says the same as the colour, for those who cannot tell the colours apart.
    public var symbol: String {
        switch self {
        case .failed: "✕"
        case .stalled: "■"
        case .rejected: "⊘"
        case .degraded: "▼"
        case .drifted: "≈"
        case .suspended: "‖"
        case .pending: "…"
        case .ready: "✓"
        case .retired: "–"
        }
    }

    /// Worst first: the order of a sort by health.
    public static func < (a: Health, b: Health) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }

    /// The health of a model.
    /// - Parameters:
    ///   - condition: what the last cycle recorded for it, if any.
    ///   - monitor: what monitoring last saw, if it is monitored.
    ///   - manifest: its manifest, if it has one (a suspended manifest is suspended whatever the store says).
    ///   - planned: the current plan's condition for it: a manifest that does not read or data that
    ///     cannot be had (`failed`) and a withheld retirement (`blocked`) show now, before a cycle records them.
    public static func of(condition: ConditionRecord?, monitor: MonitorState?, manifest: Manifest?, planned: Condition? = nil) -> Health {
        if manifest?.suspend == true || condition?.condition == Condition.suspended.rawValue { return .suspended }
        if planned == .failed { return .failed }
        if planned == .blocked { return .stalled }
        switch condition?.condition {
        case Condition.failed.rawValue?: return .failed
        case Condition.blocked.rawValue?: return .stalled
        default: break
        }
        if monitor?.retrain?.hasPrefix("stalled") == true { return .stalled }
        if condition?.condition == Condition.rejected.rawValue { return .rejected }
        let kinds = Set(monitor?.breaches.map(\.condition.kind) ?? [])
        if kinds.contains(.degraded) { return .degraded }
        if kinds.contains(.drifted) { return .drifted }
        switch condition?.condition {
        case Condition.ready.rawValue?: return .ready
        case Condition.retired.rawValue?: return .retired
        default: return .pending
        }
    }
}

/// Whether a model matches its manifest, from the current plan.
public enum Sync: String, Sendable, CaseIterable {
    /// The plan has nothing to do for it.
    case synced
    /// The plan trains, evaluates, publishes or retires something of it.
    case pending
    /// The store knows it, the manifests do not (retired, or its manifest was removed).
    case orphan
    /// The plan cannot bring it in line: its manifest or data does not read, or a safety rule
    /// withholds its retirement (the health says which).
    case blocked
    /// There is no plan to tell (see ``UIPlan/problem``).
    case unknown

    /// The words a person reads.
    public var words: String {
        switch self {
        case .synced: "up to date"
        case .pending: "changes pending"
        case .orphan: "not in the manifests"
        case .blocked: "cannot sync"
        case .unknown: "unknown"
        }
    }

    /// The sync of a model in a plan reading.
    public static func of(_ model: String, in plan: UIPlan) -> Sync {
        guard plan.plan != nil else { return .unknown }
        guard let item = plan.item(model) else { return .orphan }
        if !item.actions.isEmpty { return .pending }
        return item.condition == .failed || item.condition == .blocked ? .blocked : .synced
    }
}
