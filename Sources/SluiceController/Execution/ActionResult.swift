import SluiceReconcile

/// One action carried out: its kind and outcome.
public struct ActionResult: Sendable, Equatable {
    public var kind: ActionKind
    public var succeeded: Bool
}
