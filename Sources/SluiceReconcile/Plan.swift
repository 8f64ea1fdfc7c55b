import SluiceManifest

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
