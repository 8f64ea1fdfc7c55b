/// The feedback snapshot a desired model trains on beside its dataset (``DesiredModel/feedback``):
/// the newest snapshot an automatic retrain took of the model's current training inputs.
public struct FeedbackInput: Sendable, Equatable {
    /// The snapshot's digest (``FeedbackSnapshot/digest``): part of the version identity.
    public var digest: String
    /// Rows trained on, beside the dataset's training split.
    public var trainRows: Int
    /// Recent rows held out to gate the candidate and the champion.
    public var holdoutRows: Int
    /// What started the retrain (the breach), for reasons and lineage.
    public var trigger: String

    public init(digest: String, trainRows: Int, holdoutRows: Int, trigger: String) {
        self.digest = digest
        self.trainRows = trainRows
        self.holdoutRows = holdoutRows
        self.trigger = trigger
    }
}
