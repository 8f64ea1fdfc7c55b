import SluiceCore
import SluiceMonitor

extension Trainer {
    /// The reference profile frozen into a freshly trained artifact (see ``ReferenceProfile``).
    ///
    /// - Features: each feature's raw training values, as read from the data (before missing values are
    ///   filled and categories encoded), so that raw values sent to the server later land in the same bins:
    ///   decile bins for a numeric feature (missing cells are NaN), the top categories for a text one.
    /// - Prediction: for a classifier, the predicted class label of every test row, counted on one bin per
    ///   class in the artifact's class order (the label text the server reports, numbers in their JSON form);
    ///   for a regressor, the test predictions on their own decile bins.
    /// - Calibration (classifiers): the test rows' max probability against whether the prediction was right,
    ///   fitted isotonically; `nil` for a regressor, or when the map cannot be fitted.
    /// - Test metrics: every finite metric of `evaluation`.
    ///
    /// - Parameters:
    ///   - artifact: the fitted model (its encoder decides which columns are features, and how).
    ///   - train: the rows the model was fitted on.
    ///   - test: the rows it was evaluated on.
    ///   - predictions: the model's output for every test row (class probabilities, or `[value]`).
    ///   - evaluation: the test-split evaluation computed from `predictions`.
    /// - Returns: the profile; deterministic in its inputs.
    /// - Throws: ``LearnError`` when a feature column is missing from `train` or a numeric feature holds text.
    /// - Complexity: O(n log n) per feature for n training rows, plus O(m log m) for m test rows.
    static func reference(of artifact: ModelArtifact, train: DataFrame, test: DataFrame, predictions: [[Double]],
                          evaluation: Evaluation) throws -> ReferenceProfile {
        let features = try artifact.encoder.features.map { f throws(LearnError) in try referenceFeature(f, in: train) }
        let prediction: Histogram
        var calibration: IsotonicCalibration?
        switch artifact.task {
        case .regression:
            let values = predictions.map { $0[0] }
            var h = Histogram(bins: .numeric(fitting: values))
            for v in values { h.add(v) }
            prediction = h
        case .classification:
            let classes = artifact.target.classes
            let truth = labelsText(try targetColumn(artifact.target.name, in: test))
            var h = Histogram(bins: .categorical(categories: classes))
            var scores: [Double] = [], outcomes: [Double] = []
            scores.reserveCapacity(predictions.count)
            outcomes.reserveCapacity(predictions.count)
            for (row, p) in predictions.enumerated() {
                let label = classes[ModelArtifact.argmax(p)]
                h.add(label)
                scores.append(p.max() ?? 0)
                outcomes.append(label == truth[row] ? 1 : 0)
            }
            prediction = h
            calibration = try? IsotonicCalibration(scores: scores, outcomes: outcomes)
        }
        return ReferenceProfile(features: features, prediction: prediction, calibration: calibration,
                                testMetrics: evaluation.metrics.filter { $0.value.isFinite },
                                trainingRows: train.rowCount, testRows: test.rowCount)
    }

    /// One feature's reference, from its raw training column.
    private static func referenceFeature(_ f: FeatureEncoder.Feature, in train: DataFrame) throws(LearnError) -> ReferenceProfile.Feature {
        guard let column = train.column(named: f.name) else {
            throw LearnError("the data has no column \"\(f.name)\", which the model needs")
        }
        switch (f.kind, column.storage) {
        case (.numeric, .numeric(let values)):
            return .numeric(name: f.name, values: values)
        case (.categorical, .string(let values)):
            return .categorical(name: f.name, values: values)
        case (.categorical, .numeric(let values)):
            // A categorical column whose cells are all numbers: its categories are their JSON text.
            return .categorical(name: f.name, values: values.map { $0.isNaN ? nil : JSON.format($0) })
        case (.numeric, .string(let values)):
            let bad = values.first { $0 != nil } ?? nil
            throw LearnError("feature \"\(f.name)\" must be numeric, but the data holds text (e.g. \"\(bad ?? "")\")")
        }
    }
}
