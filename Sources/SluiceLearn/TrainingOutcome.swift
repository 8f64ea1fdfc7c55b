import SluiceCore

/// The product of training: the artifact, its bytes and digest, and its test-set evaluation.
public struct TrainingOutcome: Sendable {
    public var artifact: ModelArtifact
    public var bytes: [UInt8]
    public var digest: String
    public var evaluation: Evaluation
    public var trainRows: Int
}
