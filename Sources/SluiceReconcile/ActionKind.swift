/// The kind of a plan ``Action``; its raw value is the word shown in `--json` output and metrics.
public enum ActionKind: String, Sendable, CaseIterable {
    /// Train a new version.
    case train
    /// Evaluate a version's gate.
    case evaluate
    /// Publish a version to a deployment target.
    case publish
    /// Remove a model from a deployment target.
    case retire
}
