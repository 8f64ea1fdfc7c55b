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
