import SluiceCore
import SluiceMonitor

/// A trained model as data: what it was trained on, how it encodes raw rows, and its fitted
/// parameters. It is written as canonical JSON (`model.json`), never as code, so loading one
/// executes nothing; ``decode(_:expectedDigest:)`` checks the bytes' SHA-256 before anything else.
public struct ModelArtifact: Sendable, Equatable {
    /// The document's format name; a reader refuses any other.
    public static let formatName = "sluice.model"
    /// The version of the document format written for an artifact with a reference profile (3); one
    /// without is written as version 2, byte for byte as before. A reader reads both and refuses any other.
    public static let formatVersion = 3
    /// The format versions a reader accepts.
    public static let readableFormatVersions = 2...3
    /// The version of the engine's training behaviour: part of every version identity, so that a
    /// change to how models are trained retrains them (while artifacts trained before, of the
    /// same format, still load and serve). 3: gradient-boosting histograms summed in single
    /// precision per pass. 4: a reference profile (``ReferenceProfile``) in every artifact, so every
    /// stored version retrains once and then carries one. 5: logistic, linear and ridge regression
    /// sum their objectives and Gram matrices in fixed blocks (the last bits of their coefficients
    /// moved; the other families' bytes are unchanged). 6: gradient boosting predicts by adding its
    /// trees in tree order, as training does, so the reference profile's predictions moved in the
    /// last bits (the trees themselves are unchanged).
    public static let engineVersion = 6

    /// The fitted parameters of one of the estimator families.
    public enum Fitted: Sendable, Equatable {
        case trees(TreeEnsembleModel)
        case boosted(BoostedModel)
        case linear(LinearModel)
        case neighbors(NeighborsModel)
        case naiveBayes(NaiveBayesModel)
    }

    public var task: LearningTask
    public var algorithm: String
    public var params: [String: JSON]
    public var encoder: FeatureEncoder
    public var target: TargetEncoding
    public var fitted: Fitted
    /// What the model saw at training time, for monitoring (format version 3); `nil` in artifacts
    /// written before monitoring existed.
    public var reference: ReferenceProfile?

    public init(task: LearningTask, algorithm: String, params: [String: JSON], encoder: FeatureEncoder, target: TargetEncoding, fitted: Fitted,
                reference: ReferenceProfile? = nil) {
        self.task = task
        self.algorithm = algorithm
        self.params = params
        self.encoder = encoder
        self.target = target
        self.fitted = fitted
        self.reference = reference
    }

    /// The artifact's bytes: canonical JSON, so equal models give equal bytes.
    public func encoded() -> [UInt8] { encodedTreeEnsemble() ?? json.canonicalBytes() }

    /// Values per prediction: class probabilities (one per class), or one regression value.
    public var outputs: Int { task == .classification ? target.classes.count : 1 }

    /// The prediction for one encoded row: class probabilities, or `[value]`; NaN when the
    /// model's arithmetic overflowed (see ``checkPrediction(_:row:)``).
    public func predict(encodedRow row: [Double]) -> [Double] {
        var out = [Double](repeating: 0, count: outputs)
        row.withUnsafeBufferPointer { r in
            out.withUnsafeMutableBufferPointer { o in predict(r, into: o) }
        }
        return out
    }

    /// Writes the prediction for one encoded row into `out` (``outputs`` values), allocation-free.
    /// Never traps: when the row's values are so large that the model's arithmetic overflows,
    /// some outputs are NaN or infinite, which ``checkPrediction(_:row:)`` turns into an error.
    @inlinable
    public func predict(_ row: UnsafeBufferPointer<Double>, into out: UnsafeMutableBufferPointer<Double>) {
        switch fitted {
        case .trees(let m): m.predict(row, into: out)
        case .boosted(let m): m.predict(row, into: out)
        case .linear(let m): m.predict(row, into: out)
        case .neighbors(let m): m.predict(row, into: out)
        case .naiveBayes(let m): m.predict(row, into: out)
        }
    }

    /// Predictions for every row of an encoded matrix, on all cores for large batches, one
    /// array per row (``predictions(_:)-(Matrix)`` gives them in one flat buffer).
    /// - Throws: ``LearnError/nonFinitePrediction(row:)`` for the first row whose prediction is
    ///   not finite.
    public func predict(_ x: Matrix) throws(LearnError) -> [[Double]] {
        try predictions(x).nested
    }

    /// Index of the most probable class (the first one on ties, as numpy's argmax).
    @inlinable
    public static func argmax<C: RandomAccessCollection<Double>>(_ p: C) -> Int {
        var best = p.startIndex
        for k in p.indices.dropFirst() where p[k] > p[best] { best = k }
        return p.distance(from: p.startIndex, to: best)
    }

    /// Predictions for raw rows keyed by feature name.
    /// - Throws: ``LearnError`` naming the row and feature of a value that does not fit.
    public func predict(rows: [[String: JSON]]) throws -> [Prediction] {
        var buffer = [Double](repeating: 0, count: encoder.width)
        return try rows.enumerated().map { i, row in
            do { try encoder.encode(row: row, into: &buffer) } catch let e as LearnError {
                throw LearnError("row \(i + 1): \(e.message)")
            }
            let p = predict(encodedRow: buffer)
            try Self.checkPrediction(p, row: i + 1)
            if task == .regression { return Prediction(label: .number(p[0]), probabilities: []) }
            return Prediction(label: target.label(ModelArtifact.argmax(p)), probabilities: p)
        }
    }
}
