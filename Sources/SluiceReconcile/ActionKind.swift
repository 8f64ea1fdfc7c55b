/// The kind of a plan ``Action``; its raw value is the word shown in `--json` output and metrics.
public enum ActionKind: String, Sendable, CaseIterable {
    case train, evaluate, publish, retire
}
