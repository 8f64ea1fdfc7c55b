import SluiceCore

/// A model's quality on a test set.
public struct Evaluation: Sendable, Equatable {
    public var metrics: [String: Double]
    /// Labels of the confusion matrix's rows and columns (classification; empty for regression).
    public var labels: [String]
    public var confusion: ConfusionMatrix?
    public var rows: Int
}
