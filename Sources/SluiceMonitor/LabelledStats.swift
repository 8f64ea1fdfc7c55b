#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What is known about rows whose ground truth arrived: the sufficient statistics of the live metrics.
///
/// For a classifier, a confusion matrix (rows: truth, columns: prediction, in the profile's class order),
/// from which accuracy, balanced accuracy and the macro and weighted precision, recall and F1 follow. For a
/// regressor, the sums from which RMSE, MAE and R² follow. Both merge by adding, like histograms.
public struct LabelledStats: Equatable, Sendable {
    /// `confusion[t][p]`: labelled rows of true class `t` predicted as `p` (classifiers; empty otherwise).
    public private(set) var confusion: [[Int]]
    /// Labelled rows whose truth is not one of the model's classes (counted as wrong).
    public private(set) var unknownTruth: Int
    /// Regression sums: row count, Σ(y − ŷ)², Σ|y − ŷ|, Σy, Σy².
    public private(set) var count: Int
    public private(set) var sumSquaredError: Double
    public private(set) var sumAbsoluteError: Double
    public private(set) var sumTruth: Double
    public private(set) var sumTruthSquared: Double

    /// Empty statistics for a classifier with `classes` classes (0 for a regressor).
    public init(classes: Int) {
        confusion = Array(repeating: Array(repeating: 0, count: classes), count: classes)
        unknownTruth = 0
        count = 0
        sumSquaredError = 0
        sumAbsoluteError = 0
        sumTruth = 0
        sumTruthSquared = 0
    }

    /// Whether these are a classifier's statistics.
    public var isClassification: Bool { !confusion.isEmpty }

    /// The number of labelled rows.
    public var labelled: Int { isClassification ? confusion.reduce(0) { $0 + $1.reduce(0, +) } + unknownTruth : count }

    /// Counts a classifier's labelled row (class indices; `truth == nil` for a label that is not a class).
    public mutating func addClassified(truth: Int?, predicted: Int) {
        guard let truth else { unknownTruth += 1; return }
        confusion[truth][predicted] += 1
    }

    /// Counts a regressor's labelled row. A pair whose error or squared error is not a finite number
    /// (a truth or prediction near ±1e308) is not counted: it would make every sum infinite.
    public mutating func addRegressed(truth: Double, predicted: Double) {
        let e = truth - predicted
        guard (e * e).isFinite, (truth * truth).isFinite,
              (sumSquaredError + e * e).isFinite, (sumTruthSquared + truth * truth).isFinite else { return }
        count += 1
        sumSquaredError += e * e
        sumAbsoluteError += abs(e)
        sumTruth += truth
        sumTruthSquared += truth * truth
    }

    /// Adds statistics of the same shape.
    ///
    /// - Throws: ``MonitorError`` when the shapes differ.
    public mutating func merge(_ other: LabelledStats) throws(MonitorError) {
        guard other.confusion.count == confusion.count else { throw MonitorError("labelled statistics of different models cannot be merged") }
        for t in confusion.indices { for p in confusion.indices { confusion[t][p] += other.confusion[t][p] } }
        unknownTruth += other.unknownTruth
        count += other.count
        sumSquaredError += other.sumSquaredError
        sumAbsoluteError += other.sumAbsoluteError
        sumTruth += other.sumTruth
        sumTruthSquared += other.sumTruthSquared
    }

    /// Restores statistics from their stored parts (see ``json``).
    public init(confusion: [[Int]], unknownTruth: Int, count: Int, sumSquaredError: Double, sumAbsoluteError: Double,
                sumTruth: Double, sumTruthSquared: Double) {
        self.confusion = confusion
        self.unknownTruth = unknownTruth
        self.count = count
        self.sumSquaredError = sumSquaredError
        self.sumAbsoluteError = sumAbsoluteError
        self.sumTruth = sumTruth
        self.sumTruthSquared = sumTruthSquared
    }
}
