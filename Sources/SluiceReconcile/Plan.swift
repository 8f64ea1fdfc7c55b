import SluiceManifest

/// One step of a plan, with why it is needed.
public enum Action: Sendable, Equatable {
    /// Train a new version from the manifest's inputs.
    case train(version: String, reason: Reason)
    /// Evaluate the gate of a version (measuring the champion on the candidate's test data).
    case evaluate(version: String, reason: Reason)
    /// Publish a version to a target. `ifGatePasses`: only when the evaluation earlier in the
    /// same plan passes (a version already known to pass is published unconditionally).
    case publish(version: String, target: DeploySpec, reason: Reason, ifGatePasses: Bool)
    /// Remove a model from a target, keeping its history.
    case retire(version: String, target: DeploySpec, reason: Reason)

    /// The action's kind: train, evaluate, publish or retire.
    public var kind: ActionKind {
        switch self {
        case .train: .train
        case .evaluate: .evaluate
        case .publish: .publish
        case .retire: .retire
        }
    }

    /// Why the action is needed.
    public var reason: Reason {
        switch self {
        case .train(_, let r), .evaluate(_, let r), .retire(_, _, let r): r
        case .publish(_, _, let r, _): r
        }
    }

    /// The version the action trains, evaluates, publishes or retires.
    public var version: String {
        switch self {
        case .train(let v, _), .evaluate(let v, _), .publish(let v, _, _, _), .retire(let v, _, _): v
        }
    }
}

/// The state a model is in, or will be in once the plan is carried out.
public enum Condition: String, Sendable, Equatable {
    /// Up to date: the desired version is in service.
    case ready
    /// Work is planned.
    case progressing
    /// `spec.suspend` is set: left exactly as it is.
    case suspended
    /// Retired (by `spec.retired`, or its manifest was removed) and not published.
    case retired
    /// The desired version failed its gate; the champion, if any, stays in service.
    case rejected
    /// A problem a human must fix (invalid manifest, unreadable data); the champion stays.
    case failed
    /// Retirement was withheld by a safety rule.
    case blocked
}

/// What the plan does for one model.
public struct PlanItem: Sendable, Equatable {
    public var model: String
    public var actions: [Action]
    public var condition: Condition
    /// Why the model is in this condition (for unchanged, suspended, retired, failed, rejected and
    /// blocked models); `nil` when its actions say it (`progressing`, or retired by a `retire`).
    public var conditionReason: Reason?

    public init(model: String, actions: [Action], condition: Condition, reason: Reason? = nil) {
        self.model = model
        self.actions = actions
        self.condition = condition
        self.conditionReason = reason
    }

    /// The sentence of ``conditionReason``, or empty.
    public var message: String { conditionReason?.message ?? "" }
}

/// The planned changes, model by model, in the order they will be carried out.
public struct Plan: Sendable, Equatable {
    public var items: [PlanItem]
    /// Problems that stop the plan from being complete (manifest errors, withheld retirements).
    public var warnings: [PlanWarning]

    public init(items: [PlanItem], warnings: [PlanWarning] = []) {
        self.items = items
        self.warnings = warnings
    }

    /// Every action in execution order.
    public var actions: [Action] { items.flatMap(\.actions) }

    /// Whether carrying out the plan would change anything.
    public var hasChanges: Bool { items.contains { !$0.actions.isEmpty } }

    /// Number of actions of each kind.
    public func count(_ kind: ActionKind) -> Int { actions.filter { $0.kind == kind }.count }

    /// The item of one model.
    public func item(_ model: String) -> PlanItem? { items.first { $0.model == model } }
}
