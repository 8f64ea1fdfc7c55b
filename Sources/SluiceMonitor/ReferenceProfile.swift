/// What a model saw when it was trained, frozen into its artifact so that live traffic can be compared
/// with it later.
///
/// Computed once, at training time, by the trainer: the fixed bins and training counts of every feature
/// (on the training split), the distribution of the model's predictions on the test split, the test-split
/// metrics, and for classifiers a calibration map (max probability → P(correct)) fitted on the test split
/// for label-free estimates. It is part of the artifact's bytes, so it is deterministic and covered by the
/// artifact's digest.
public struct ReferenceProfile: Equatable, Sendable {
    /// One feature's reference.
    public struct Feature: Equatable, Sendable {
        /// The feature's name, as in the artifact's feature list.
        public var name: String
        /// The training values counted on the feature's fixed bins.
        public var histogram: Histogram

        /// The feature's fixed bins.
        public var bins: ReferenceBins { histogram.bins }

        /// Creates a feature reference.
        public init(name: String, histogram: Histogram) {
            self.name = name
            self.histogram = histogram
        }

        /// A numeric feature's reference: decile bins of the training values, with their counts.
        ///
        /// - Parameter values: the training values; NaN stands for a missing value.
        public static func numeric(name: String, values: [Double]) -> Feature {
            var h = Histogram(bins: .numeric(fitting: values))
            for v in values { h.add(v) }
            return Feature(name: name, histogram: h)
        }

        /// A categorical feature's reference: the top categories of the training values, with their counts.
        ///
        /// - Parameter values: the training values; `nil` stands for a missing value.
        public static func categorical(name: String, values: [String?], top: Int = ReferenceBins.defaultTopCategories) -> Feature {
            var h = Histogram(bins: .categorical(fitting: values, top: top))
            for v in values { h.add(v) }
            return Feature(name: name, histogram: h)
        }
    }

    /// One reference per feature, in the artifact's feature order.
    public var features: [Feature]
    /// The model's predictions on the test split: for a classifier, categorical bins with one category
    /// per class label (every class, in the artifact's class order); for a regressor, decile bins of the
    /// predicted values.
    public var prediction: Histogram
    /// For a classifier, max probability → P(correct), fitted on the test split; `nil` for a regressor
    /// (or when the test split had a single outcome).
    public var calibration: IsotonicCalibration?
    /// Every metric of the task measured on the test split, by metric name.
    public var testMetrics: [String: Double]
    /// The number of rows the model was trained on.
    public var trainingRows: Int
    /// The number of rows in the test split.
    public var testRows: Int

    /// Creates a profile.
    public init(features: [Feature], prediction: Histogram, calibration: IsotonicCalibration?, testMetrics: [String: Double],
                trainingRows: Int, testRows: Int) {
        self.features = features
        self.prediction = prediction
        self.calibration = calibration
        self.testMetrics = testMetrics
        self.trainingRows = trainingRows
        self.testRows = testRows
    }

    /// Whether the model is a classifier (its prediction bins are the class labels).
    public var isClassifier: Bool {
        if case .categorical = prediction.bins { return true }
        return false
    }

    /// The class labels of a classifier (its prediction categories), empty for a regressor.
    public var classes: [String] {
        if case .categorical(let c) = prediction.bins { return c }
        return []
    }
}
