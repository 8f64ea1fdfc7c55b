import SluiceCore

/// One prediction: the label (or value), and for classifiers the class probabilities in
/// ``TargetEncoding/classes`` order.
public struct Prediction: Sendable, Equatable {
    public var label: JSON
    public var probabilities: [Double]
}
