import Synchronization
import SluiceCore

/// Trains and evaluates models: pure functions of the data and the spec.
public enum Trainer {
    /// Splits the data into training and test rows, or pairs it with a fixed test set.
    /// - Throws: ``LearnError`` when the target column is missing or has missing values, the
    ///   split is impossible, or it leaves fewer than ``minimumTestRows`` test rows.
    public static func partition(_ spec: TrainingSpec, data: DataFrame, test: DataFrame?) throws -> (train: DataFrame, test: DataFrame) {
        if let test {
            _ = try targetColumn(spec.target, in: data)
            _ = try targetColumn(spec.target, in: test)
            return (data, test)
        }
        let split = try self.split(spec, data: data)
        try checkTestRows(spec.split, rows: data.rowCount, testRows: split.test.count)
        return (data.selecting(rows: split.train), data.selecting(rows: split.test))
    }

    /// The rows of `data` that train and test the model when no fixed test file is given, in the
    /// order the model sees them.
    /// - Throws: ``LearnError`` when the target column is missing or has missing values, or the
    ///   split is impossible.
    public static func split(_ spec: TrainingSpec, data: DataFrame) throws -> TrainTestSplit {
        let target = try targetColumn(spec.target, in: data)
        guard spec.split.stratify else { return try TrainTestSplit.make(spec.split, count: data.rowCount, labels: nil) }
        let labels = TrainTestSplit.classIndices(target, method: spec.split.method)
        if spec.split.method == .sklearn {
            var counts = [Int](repeating: 0, count: (labels.max() ?? -1) + 1)
            for y in labels { counts[y] += 1 }
            if let lonely = counts.firstIndex(of: 1), let row = labels.firstIndex(of: lonely) {
                throw LearnError("class \"\(labelsText(target)[row])\" of target \"\(spec.target)\" has 1 row(s) (data row \(row + 1)); scikit-learn's stratified split needs at least 2 rows of every class. Set spec.dataset.split.stratify to false or add rows")
            }
        }
        return try TrainTestSplit.make(spec.split, count: data.rowCount, labels: labels)
    }

    /// Infers the task from the target column: text means classification; integers with few
    /// distinct values are ambiguous; other numbers mean regression.
    public static func inferTask(_ column: DataFrame.Column) throws -> LearningTask {
        switch column.storage {
        case .string: return .classification
        case .numeric(let values):
            let distinct = Set(values.filter { !$0.isNaN })
            if distinct.allSatisfy({ $0 == $0.rounded() }) && distinct.count <= 20 {
                throw LearnError("cannot tell whether target \"\(column.name)\" (\(distinct.count) distinct whole numbers) is classes or quantities; set spec.task to \"classification\" or \"regression\"")
            }
            return .regression
        }
    }

    /// Trains a model on the training part and evaluates it on the test part.
    /// - Parameter progress: called with the fraction done (for a progress line on a terminal);
    ///   returning `false` cancels the training, which then throws ``LearnError/cancelled``.
    /// - Throws: ``LearnError`` for unusable data (a target with one class, no features,
    ///   text in a numeric feature) or an algorithm that does not support the task.
    /// - Parameter reference: the rows the reference profile's prediction histogram, calibration and
    ///   test metrics come from, when they are not `test` (a retrain on feedback is evaluated on the
    ///   few held-out rows, but profiled on the dataset's test split and those rows together).
    public static func train(_ spec: TrainingSpec, train: DataFrame, test: DataFrame, reference referenceRows: DataFrame? = nil,
                             progress: TrainingProgress? = nil) throws -> TrainingOutcome {
        var artifact = try fit(spec, train: train, progress: progress)
        let (evaluation, predictions) = try evaluated(artifact, on: test)
        if let referenceRows {
            let (e, p) = try evaluated(artifact, on: referenceRows)
            artifact.reference = try reference(of: artifact, train: train, test: referenceRows, predictions: p, evaluation: e)
        } else {
            artifact.reference = try reference(of: artifact, train: train, test: test, predictions: predictions, evaluation: evaluation)
        }
        let bytes = artifact.encoded()
        return TrainingOutcome(artifact: artifact, bytes: bytes, digest: SHA256.hex(of: bytes), evaluation: evaluation, trainRows: train.rowCount)
    }

    /// Fits a model on training data, without evaluating or serialising it.
    public static func fit(_ spec: TrainingSpec, train: DataFrame, progress: TrainingProgress? = nil) throws -> ModelArtifact {
        let p = try prepare(spec, train: train)
        if progress?(0) == false { throw LearnError.cancelled }
        let stopped = Atomic<Bool>(false)
        let watched: TrainingProgress? = progress.map { progress in
            { @Sendable done in
                if progress(done) { return true }
                stopped.store(true, ordering: .relaxed)
                return false
            }
        }
        let fitted = spec.algorithm.estimator(p.parameters, p.x.cols).fit(p, progress: watched)
        // An estimator that was asked to stop returns what it had; that is never a model.
        if stopped.load(ordering: .relaxed) { throw LearnError.cancelled }
        if let what = fitted.nonFiniteParameter {
            throw LearnError("training \(spec.algorithm.name) overflowed: \(what) came out infinite or NaN, because the training data holds values too large in magnitude (such as ±1e308); rescale those columns")
        }
        return ModelArtifact(task: p.task, algorithm: spec.algorithm.name, params: spec.params, encoder: p.encoder, target: p.target, fitted: fitted)
    }

    /// Checks that a model could be trained from this data and tested on that, without fitting:
    /// the checks `sluice validate` runs.
    public static func check(_ spec: TrainingSpec, train: DataFrame, test: DataFrame) throws {
        let p = try prepare(spec, train: train)
        _ = try targetColumn(spec.target, in: test)
        _ = try p.encoder.transform(test)
    }

    /// Training rows ready for an ``Estimator``: encoded features, the target, and the resolved
    /// hyperparameters.
    struct Prepared {
        var task: LearningTask
        var parameters: HyperParameters
        var target: TargetEncoding
        /// Class indices (classification).
        var y: [Int]
        /// Target values (regression).
        var values: [Double]
        var encoder: FeatureEncoder
        var x: Matrix
    }

    static func prepare(_ spec: TrainingSpec, train: DataFrame) throws -> Prepared {
        let targetColumn = try targetColumn(spec.target, in: train)
        let task = try spec.task ?? inferTask(targetColumn)
        guard spec.algorithm.tasks.contains(task) else {
            throw LearnError("algorithm \(spec.algorithm.name) supports \(spec.algorithm.tasks.map(\.rawValue).joined(separator: " and ")), not \(task.rawValue)")
        }
        if let c = spec.params["criterion"]?.stringValue {
            let regression = c == SplitCriterion.squaredError.rawValue
            if regression != (task == .regression) {
                throw LearnError("criterion \"\(c)\" is for \(regression ? "regression" : "classification"); this model does \(task.rawValue)")
            }
        }
        let parameters = try HyperParameters(spec.params, of: spec.algorithm, task: task)
        for name in spec.gateMetrics {
            guard let metric = Metric.named(name), metric.task != task else { continue }
            let how = spec.task == nil ? "inferred from the target \"\(spec.target)\"; set spec.task if that is wrong" : "spec.task"
            throw LearnError("spec.gate.\(name): \(name) is a \(metric.task.rawValue) metric, but this model does \(task.rawValue) (\(how)); \(task.rawValue) metrics: \(Metric.names(of: task).joined(separator: ", "))")
        }
        let featureNames = try resolveFeatures(spec, columns: train.columnNames)
        var encoder = try FeatureEncoder.fit(train, features: featureNames, encoding: spec.algorithm.encoding)
        var x = try encoder.transform(train)
        // Standardisation is a parameter of the algorithms that have it (an option, not a default).
        if parameters.has("standardize"), parameters.bool("standardize") {
            encoder.standardize(&x)
            if let c = encoder.means.indices.first(where: { !encoder.means[$0].isFinite || !encoder.scales[$0].isFinite }) {
                throw LearnError("feature \"\(encoder.featureName(ofColumn: c))\" cannot be standardised: its values are too large in magnitude (its mean or standard deviation overflows); rescale the column")
            }
        }
        switch task {
        case .regression:
            guard case .numeric(let values) = targetColumn.storage else {
                throw LearnError("target \"\(spec.target)\" holds text; regression needs numbers (or set spec.task to \"classification\")")
            }
            try checkParameters(parameters, rows: x.rows, features: x.cols)
            return Prepared(task: task, parameters: parameters, target: TargetEncoding(name: spec.target, numeric: true, classes: []), y: [], values: values, encoder: encoder, x: x)
        case .classification:
            let numericTarget = targetColumn.isNumeric
            let (classes, y) = classIndices(targetColumn)
            guard classes.count >= 2 else {
                throw LearnError("target \"\(spec.target)\" has a single class (\"\(classes.first ?? "")\") in the training rows; a classifier needs at least two")
            }
            try checkParameters(parameters, rows: x.rows, features: x.cols)
            return Prepared(task: task, parameters: parameters, target: TargetEncoding(name: spec.target, numeric: numericTarget, classes: classes),
                            y: y, values: [], encoder: encoder, x: x)
        }
    }

    /// Measures a model on a test set (used for candidates and, on the candidate's test set, for the champion).
    public static func evaluate(_ artifact: ModelArtifact, on test: DataFrame) throws -> Evaluation {
        try evaluated(artifact, on: test).evaluation
    }

    /// The evaluation of ``evaluate(_:on:)`` and the predictions it was computed from, one per test row.
    static func evaluated(_ artifact: ModelArtifact, on test: DataFrame) throws -> (evaluation: Evaluation, predictions: [[Double]]) {
        let column = try targetColumn(artifact.target.name, in: test)
        let predictions: [[Double]]
        let x = try artifact.encoder.batch(test)
        do { predictions = try artifact.predictions(x).nested } catch {
            throw LearnError("test set \(error.message)")
        }
        let evaluation = try measure(artifact, column: column, predictions: predictions, rows: test.rowCount)
        if let bad = evaluation.metrics.sorted(by: { $0.key < $1.key }).first(where: { !$0.value.isFinite }) {
            throw LearnError("metric \(bad.key) is not a finite number on the test set (the target's values are too large in magnitude, such as ±1e308); rescale the target")
        }
        return (evaluation, predictions)
    }

    private static func measure(_ artifact: ModelArtifact, column: DataFrame.Column, predictions: [[Double]], rows: Int) throws -> Evaluation {
        if artifact.task == .regression {
            guard case .numeric(let truth) = column.storage else {
                throw LearnError("the test data's target \"\(artifact.target.name)\" holds text; a regressor needs numbers")
            }
            return Evaluation(metrics: try RegressionMetrics.all(truth: truth, predicted: predictions.map { $0[0] }),
                              labels: [], confusion: nil, rows: rows)
        }
        let truthText = labelsText(column)
        var labels = artifact.target.classes
        for t in Set(truthText).subtracting(labels).sorted() { labels.append(t) }
        let index = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, $0) })
        let truth = truthText.map { index[$0]! }
        let guesses = predictions.map { ModelArtifact.argmax($0) }
        let padded = predictions.map { $0 + [Double](repeating: 0, count: labels.count - $0.count) }
        let metrics = try ClassificationMetrics.all(truth: truth, predicted: guesses, probabilities: padded, classes: labels.count)
        return Evaluation(metrics: metrics, labels: labels, confusion: ConfusionMatrix(truth: truth, predicted: guesses, classes: labels.count), rows: rows)
    }

    private static func resolveFeatures(_ spec: TrainingSpec, columns: [String]) throws -> [String] {
        let names = spec.features ?? columns.filter { $0 != spec.target }
        guard !names.isEmpty else { throw LearnError("no feature columns: the dataset has only the target column \"\(spec.target)\"") }
        if names.contains(spec.target) { throw LearnError("the target \"\(spec.target)\" cannot also be a feature") }
        for n in names where !columns.contains(n) {
            throw LearnError("feature \"\(n)\" is not a column of the dataset (columns: \(columns.joined(separator: ", ")))")
        }
        return names
    }

    static func targetColumn(_ name: String, in frame: DataFrame) throws -> DataFrame.Column {
        guard let column = frame.column(named: name) else {
            throw LearnError("the dataset has no target column \"\(name)\" (columns: \(frame.columnNames.joined(separator: ", ")))")
        }
        let missing: Int
        switch column.storage {
        case .numeric(let v): missing = v.lazy.filter(\.isNaN).count
        case .string(let v): missing = v.lazy.filter { $0 == nil }.count
        }
        if missing > 0 {
            throw LearnError("the target column \"\(name)\" has \(missing) missing value(s); every row needs a target")
        }
        return column
    }

    static func labelsText(_ column: DataFrame.Column) -> [String] {
        switch column.storage {
        case .numeric(let v): v.map(JSON.format)
        case .string(let v): v.map { $0 ?? "" }
        }
    }
}
