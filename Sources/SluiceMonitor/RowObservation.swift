/// One served row as the monitor counts it: the raw feature values and what the model predicted.
///
/// The server builds one per inference row (off the request path); `sluice monitor --data` builds one per
/// row of a batch file.
public struct RowObservation: Sendable, Equatable {
    /// A raw feature value.
    public enum Value: Sendable, Equatable {
        /// A number (NaN counts as missing).
        case number(Double)
        /// A category, and whether the model's encoder knew it from training.
        case category(String, known: Bool)
        /// An absent or null value.
        case missing
    }

    /// What the model predicted for the row.
    public enum Prediction: Sendable, Equatable {
        /// A class label (JSON text of the label), and the calibrated-before max probability.
        case label(String, confidence: Double)
        /// A regression value.
        case value(Double)
    }

    /// One value per feature, in the profile's feature order.
    public var values: [Value]
    /// The prediction.
    public var prediction: Prediction

    /// Creates an observation.
    public init(values: [Value], prediction: Prediction) {
        self.values = values
        self.prediction = prediction
    }
}
