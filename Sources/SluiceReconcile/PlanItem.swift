import SluiceManifest

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
