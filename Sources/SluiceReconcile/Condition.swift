import SluiceManifest

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
