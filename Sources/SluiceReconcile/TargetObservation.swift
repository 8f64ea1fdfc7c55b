/// What a deployment target holds compared with the publication record.
public enum TargetObservation: Sendable, Equatable {
    /// It holds the published artifact, digest verified.
    case matches
    /// It has drifted: the model is gone or changed (the detail says how).
    case drifted(String)
}
