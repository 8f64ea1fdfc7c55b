import SluiceCore
import SluiceMonitor

extension ModelArtifact {
    /// A batch of rows (a CSV file read like training data) scored and counted the way `sluice serve`
    /// counts served rows, for `sluice monitor NAME --data FILE.csv`.
    ///
    /// Every row is predicted; its raw feature values and its prediction become a ``RowObservation``
    /// counted on the bins of `profile`. A categorical value is `known` when the model's encoder learned
    /// it in training (a number in a categorical column is looked up by its JSON text, as in prediction).
    /// When the frame has the target column, every row with a truth is also counted in the labelled
    /// statistics: a classifier's truth by its class index (a label that is not one of the model's classes
    /// counts as unknown, hence wrong), a regressor's as a number. Rows whose truth is missing are not labelled.
    ///
    /// - Parameters:
    ///   - frame: the rows, with a column for every feature of the model (others are ignored).
    ///   - profile: the reference profile of this artifact (``reference``).
    /// - Returns: the statistics of the batch.
    /// - Throws: ``LearnError`` naming the column when a feature column is missing or of the wrong type, the
    ///   row whose prediction is not finite, or the row of a regression target that is not a number.
    /// - Complexity: O(rows × (features + prediction cost)).
    public func batchStats(of frame: DataFrame, profile: ReferenceProfile) throws -> WindowStats {
        let predictions = try predict(encoder.transform(frame))
        let columns = encoder.features.map { frame.column(named: $0.name)! }
        var stats = WindowStats(profile: profile)
        var labelled = stats.labelled
        let truth = frame.column(named: target.name)
        for r in 0..<frame.rowCount {
            let values = zip(encoder.features, columns).map { f, c in Self.observedValue(c.storage, row: r, feature: f) }
            let p = predictions[r]
            let predicted = task == .classification ? ModelArtifact.argmax(p) : 0
            let prediction: RowObservation.Prediction = task == .classification
                ? .label(target.classes[predicted], confidence: p[predicted]) : .value(p[0])
            stats.add(RowObservation(values: values, prediction: prediction), profile: profile)
            guard let truth else { continue }
            switch (task, truth.storage) {
            case (.classification, .numeric(let v)):
                guard !v[r].isNaN else { continue }
                labelled.addClassified(truth: target.classes.firstIndex(of: JSON.format(v[r])), predicted: predicted)
            case (.classification, .string(let v)):
                guard let label = v[r] else { continue }
                labelled.addClassified(truth: target.classes.firstIndex(of: label), predicted: predicted)
            case (.regression, .numeric(let v)):
                guard !v[r].isNaN else { continue }
                labelled.addRegressed(truth: v[r], predicted: p[0])
            case (.regression, .string(let v)):
                let bad = v.first { $0 != nil } ?? nil
                throw LearnError("the target column \"\(target.name)\" of a regression model must be numeric, but it holds text (e.g. \"\(bad ?? "")\")")
            }
        }
        stats.labelled = labelled
        return stats
    }

    /// The raw value of `feature` in row `r` of a column, as the monitor counts it.
    static func observedValue(_ storage: DataFrame.Column.Storage, row r: Int, feature: FeatureEncoder.Feature) -> RowObservation.Value {
        switch (feature.kind, storage) {
        case (.numeric, .numeric(let v)):
            return v[r].isNaN ? .missing : .number(v[r])
        case (.categorical, .string(let v)):
            guard let s = v[r] else { return .missing }
            return .category(s, known: feature.index[s] != nil)
        case (.categorical, .numeric(let v)):
            guard !v[r].isNaN else { return .missing }
            let s = JSON.format(v[r])
            return .category(s, known: feature.index[s] != nil)
        case (.numeric, .string):
            // `transform` refuses text in a numeric feature before any row is observed.
            return .missing
        }
    }
}
