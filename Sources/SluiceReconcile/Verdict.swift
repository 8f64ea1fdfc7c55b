/// The outcome of evaluating a version's gate.
public struct Verdict: Sendable, Equatable {
    /// Whether every rule of the gate passed.
    public var passed: Bool
    /// One line per failed rule, e.g. "accuracy 0.933 < min 0.99".
    public var summary: String
    public init(passed: Bool, summary: String) {
        self.passed = passed
        self.summary = summary
    }
}
