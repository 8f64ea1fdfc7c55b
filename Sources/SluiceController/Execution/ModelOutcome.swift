import SluiceReconcile

/// What `apply` did for one model.
public struct ModelOutcome: Sendable, Equatable {
    public var model: String
    /// The model's condition after the run.
    public var condition: Condition
    /// One line per action carried out ("trained 1a2b3c4d5e6f in 0.12 s (accuracy 0.9556)").
    public var done: [String]
    /// Why the model is in its condition, when it is not ready.
    public var message: String
    /// Every action attempted, in order, and whether it succeeded (for metrics).
    public var actions: [ActionResult] = []
    /// The gate verdicts reached (passed or not).
    public var verdicts: [Bool] = []
    /// The stable token of why the model is in its condition (`conditionReason` in `apply --json`;
    /// `nil` when its actions say it, as a retirement does).
    public var conditionReason: ReasonToken?
}
