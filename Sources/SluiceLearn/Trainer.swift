import SluiceCore

/// How to hold out test rows when no separate test file is given.
public struct SplitSpec: Sendable, Equatable {
    public var testFraction: Double
    public var seed: UInt64
    public var stratify: Bool
    public init(testFraction: Double = 0.2, seed: UInt64 = 0, stratify: Bool = true) {
        self.testFraction = testFraction
        self.seed = seed
        self.stratify = stratify
    }
}

/// Everything that decides what model gets trained.
public struct TrainingSpec: Sendable {
    /// `nil` infers the task from the target column.
    public var task: Task?
    public var target: String
    /// `nil` uses every column but the target.
    public var features: [String]?
    public var algorithm: Algorithm
    /// Parameters with defaults filled in.
    public var params: [String: JSON]
    public var split: SplitSpec

    public init(task: Task?, target: String, features: [String]?, algorithm: Algorithm, params: [String: JSON], split: SplitSpec) {
        self.task = task
        self.target = target
        self.features = features
        self.algorithm = algorithm
        self.params = params
        self.split = split
    }
}

/// A model's quality on a test set.
public struct Evaluation: Sendable, Equatable {
    public var metrics: [String: Double]
    /// Labels of the confusion matrix's rows and columns.
    public var labels: [String]
    public var confusion: ConfusionMatrix
    public var rows: Int
}

/// The product of training: the artifact, its bytes and digest, and its test-set evaluation.
public struct TrainingOutcome: Sendable {
    public var artifact: ModelArtifact
    public var bytes: [UInt8]
    public var digest: String
    public var evaluation: Evaluation
    public var trainRows: Int
}

/// Trains and evaluates models: pure functions of the data and the spec.
public enum Trainer {
    /// Splits the data into training and test rows, or pairs it with a fixed test set.
    /// - Throws: ``LearnError`` when the target column is missing or has missing values.
    public static func partition(_ spec: TrainingSpec, data: DataFrame, test: DataFrame?) throws -> (train: DataFrame, test: DataFrame) {
        let targetColumn = try targetColumn(spec.target, in: data)
        if let test {
            _ = try Trainer.targetColumn(spec.target, in: test)
            return (data, test)
        }
        var labels: [Int]?
        if spec.split.stratify {
            let text = labelsText(targetColumn)
            let classes = Array(Set(text)).sorted()
            let index = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
            labels = text.map { index[$0]! }
        }
        let split = try TrainTestSplit.make(count: data.rowCount, testFraction: spec.split.testFraction, seed: spec.split.seed, labels: labels)
        return (data.selecting(rows: split.train), data.selecting(rows: split.test))
    }

    /// Infers the task from the target column: text means classification; integers with few
    /// distinct values are ambiguous; other numbers mean regression.
    public static func inferTask(_ column: DataFrame.Column) throws -> Task {
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
    /// - Throws: ``LearnError`` for unusable data (a target with one class, no features,
    ///   text in a numeric feature) or an algorithm that does not support the task.
    public static func train(_ spec: TrainingSpec, train: DataFrame, test: DataFrame) throws -> TrainingOutcome {
        let p = try prepare(spec, train: train)
        let fitted = try fit(spec, x: p.x, y: p.y, classes: p.target.classes.count)
        let artifact = ModelArtifact(task: p.task, algorithm: spec.algorithm.name, params: spec.params, encoder: p.encoder, target: p.target, fitted: fitted)
        let bytes = artifact.encoded()
        let evaluation = try evaluate(artifact, on: test)
        return TrainingOutcome(artifact: artifact, bytes: bytes, digest: SHA256.hex(of: bytes), evaluation: evaluation, trainRows: train.rowCount)
    }

    /// Checks that a model could be trained from this data and tested on that, without fitting:
    /// the checks `sluice validate` runs.
    public static func check(_ spec: TrainingSpec, train: DataFrame, test: DataFrame) throws {
        let p = try prepare(spec, train: train)
        _ = try targetColumn(spec.target, in: test)
        _ = try p.encoder.transform(test)
    }

    private struct Prepared {
        var task: Task
        var target: TargetEncoding
        var y: [Int]
        var encoder: FeatureEncoder
        var x: Matrix
    }

    private static func prepare(_ spec: TrainingSpec, train: DataFrame) throws -> Prepared {
        let targetColumn = try targetColumn(spec.target, in: train)
        let task = try spec.task ?? inferTask(targetColumn)
        guard spec.algorithm.tasks.contains(task) else {
            throw LearnError("algorithm \(spec.algorithm.name) supports \(spec.algorithm.tasks.map(\.rawValue).joined(separator: " and ")), not \(task.rawValue)")
        }
        let featureNames = try resolveFeatures(spec, columns: train.columnNames)
        let text = labelsText(targetColumn)
        let numericTarget = targetColumn.isNumeric
        let classes = Array(Set(text)).sorted { numericTarget ? Double($0)! < Double($1)! : $0.utf8.lexicographicallyPrecedes($1.utf8) }
        guard classes.count >= 2 else {
            throw LearnError("target \"\(spec.target)\" has a single class (\"\(classes.first ?? "")\") in the training rows; a classifier needs at least two")
        }
        let index = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
        let encoding: FeatureEncoder.CategoryEncoding = spec.algorithm.name == "logistic_regression" ? .oneHot : .ordinal
        let encoder = try FeatureEncoder.fit(train, features: featureNames, encoding: encoding)
        return Prepared(task: task, target: TargetEncoding(name: spec.target, numeric: numericTarget, classes: classes),
                        y: text.map { index[$0]! }, encoder: encoder, x: try encoder.transform(train))
    }

    /// Measures a model on a test set (used for candidates and, on the candidate's test set, for the champion).
    public static func evaluate(_ artifact: ModelArtifact, on test: DataFrame) throws -> Evaluation {
        let truthText = labelsText(try targetColumn(artifact.target.name, in: test))
        let predicted = try artifact.predictLabels(test)
        var labels = artifact.target.classes
        for t in Set(truthText).subtracting(labels).sorted() { labels.append(t) }
        let index = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, $0) })
        let truth = truthText.map { index[$0]! }
        let guesses = predicted.labels.map { index[$0]! }
        let padded = predicted.probabilities.map { $0 + [Double](repeating: 0, count: labels.count - $0.count) }
        let metrics = try ClassificationMetrics.all(truth: truth, predicted: guesses, probabilities: padded, classes: labels.count)
        return Evaluation(metrics: metrics, labels: labels, confusion: ConfusionMatrix(truth: truth, predicted: guesses, classes: labels.count), rows: test.rowCount)
    }

    private static func fit(_ spec: TrainingSpec, x: Matrix, y: [Int], classes: Int) throws -> ModelArtifact.Fitted {
        let p = spec.params
        let seed = UInt64(p["seed"]?.intValue ?? 0)
        switch spec.algorithm.name {
        case "decision_tree", "random_forest":
            var growth = TreeGrowth()
            growth.criterion = SplitCriterion(rawValue: p["criterion"]?.stringValue ?? "gini") ?? .gini
            growth.maxDepth = p["maxDepth"]?.intValue
            growth.minSamplesSplit = p["minSamplesSplit"]?.intValue ?? 2
            growth.minSamplesLeaf = p["minSamplesLeaf"]?.intValue ?? 1
            growth.maxFeatures = featureCount(p["maxFeatures"] ?? .null, of: x.cols)
            let forest = spec.algorithm.name == "random_forest"
            let estimator = TreeEnsembleClassifier(
                growth: growth, trees: forest ? p["nEstimators"]?.intValue ?? 100 : 1,
                bootstrap: forest && (p["bootstrap"]?.boolValue ?? true), seed: seed)
            return .trees(estimator.fit(x, y, classes: classes))
        case "logistic_regression":
            let estimator = LogisticRegressionClassifier(
                c: p["C"]?.doubleValue ?? 1, maxIterations: p["maxIter"]?.intValue ?? 100,
                tolerance: p["tol"]?.doubleValue ?? 1e-4, fitIntercept: p["fitIntercept"]?.boolValue ?? true)
            return .linear(estimator.fit(x, y, classes: classes))
        default:
            throw LearnError("algorithm \(spec.algorithm.name) is not available in this engine")
        }
    }

    /// The number of features a `maxFeatures` value means for `width` columns (scikit-learn's rules).
    static func featureCount(_ v: JSON, of width: Int) -> Int? {
        switch v {
        case .string("sqrt"): return max(1, Int(Double(width).squareRoot()))
        case .string("log2"): return max(1, Int(log2(Double(width))))
        case .number(let d):
            if let i = v.intValue { return min(i, width) }
            return max(1, Int(d * Double(width)))
        default: return nil
        }
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

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
