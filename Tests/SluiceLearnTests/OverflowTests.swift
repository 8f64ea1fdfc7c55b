import Testing
import SluiceCore
@testable import SluiceLearn

/// Values so large that arithmetic on them overflows (±1e308) never trap the engine and never
/// come back as a NaN prediction or a confident label: training, evaluation and prediction throw
/// a ``LearnError`` saying which row or parameter, for every algorithm.
@Suite struct OverflowTests {
    typealias Case = EstimatorConformanceTests.Case
    static let cases = EstimatorConformanceTests.cases

    static let huge: [String: JSON] = ["sepal_length": 1e308, "sepal_width": -1e308, "petal_length": 1e308, "petal_width": -1e308]

    /// Predicting a row of ±1e308 either gives finite numbers (trees: a threshold test cannot
    /// overflow) or throws naming the row; the unchecked kernels write NaN, never trap.
    @Test(arguments: cases)
    func predictingHugeValuesIsAnErrorNamingTheRowOrAFiniteAnswer(_ c: Case) throws {
        let (frame, spec) = try EstimatorConformanceTests.data(c)
        let artifact = try Fixtures.train(spec, frame).artifact
        let features = artifact.encoder.features.map(\.name)
        var row: [String: JSON] = [:]
        for (i, f) in features.enumerated() {
            if case .numeric = artifact.encoder.features[i].kind { row[f] = i % 2 == 0 ? 1e308 : -1e308 }
        }
        let normal = try artifact.predict(rows: [[:]])
        do {
            let p = try artifact.predict(rows: [[:], row])
            #expect(p[0] == normal[0])
            #expect(p[1].probabilities.allSatisfy { $0.isFinite })
            if case .number(let v) = p[1].label { #expect(v.isFinite) }
        } catch let e as LearnError {
            #expect(e.message.hasPrefix("row 2:"), "\(e.message)")
            #expect(e.message.contains("overflowed"), "\(e.message)")
        }
        // The batch path agrees.
        var encoded = [Double](repeating: 0, count: artifact.encoder.width)
        try artifact.encoder.encode(row: row, into: &encoded)
        let x = Matrix(rows: 1, cols: encoded.count, values: encoded)
        let raw = artifact.predict(encodedRow: encoded)
        if raw.allSatisfy(\.isFinite) {
            #expect(try artifact.predict(x) == [raw])
        } else {
            #expect(throws: LearnError.nonFinitePrediction(row: 1)) { try artifact.predict(x) }
        }
    }

    @Test func knnOnHugeValuesWasATrapAndIsNowAnError() throws {
        // D1: NaN distances left the neighbour list at index −1, and voting read labels[-1].
        for weights in ["uniform", "distance"] {
            let frame = try Fixtures.csv("examples/data/iris.csv")
            let artifact = try Fixtures.train(Fixtures.spec("knn", ["weights": .string(weights)]), frame).artifact
            #expect(throws: LearnError.nonFinitePrediction(row: 1)) { try artifact.predict(rows: [Self.huge]) }
            #expect(artifact.predict(encodedRow: [1e308, -1e308, 1e308, -1e308]).allSatisfy { $0.isNaN })
        }
        let regression = try Fixtures.train(Fixtures.spec("knn", target: "y", task: .regression,
                                                          split: SplitSpec(testFraction: 0.25, seed: 1, stratify: false)),
                                            try Fixtures.regressionFrame()).artifact
        #expect(throws: LearnError.nonFinitePrediction(row: 1)) { try regression.predict(rows: [["a": 1e308, "b": -1e308, "c": 1e308]]) }
    }

    /// A training set with ±1e308 in a feature column, or in the regression target.
    static func hugeFrame(target huge: Bool) throws -> DataFrame {
        var text = "a,b,y\n"
        for i in 0..<60 {
            let a = huge ? Double(i % 7) : (i % 2 == 0 ? 1e308 : -1e308)
            let y = huge ? (i % 2 == 0 ? "1e308" : "-1e308") : (i % 3 == 0 ? "q" : "p")
            text += "\(a),\(i),\(y)\n"
        }
        return try Fixtures.csv(text: text)
    }

    /// D3: training and evaluating on such data throws a ``LearnError`` (or trains a model whose
    /// every metric is finite); it never traps, so the caller can fail this model only.
    @Test(arguments: cases)
    func trainingOnHugeValuesFailsWithAMessageOrSucceedsFinite(_ c: Case) throws {
        let frame = try Self.hugeFrame(target: c.task == .regression)
        let spec = Fixtures.spec(c.algorithm, ["seed": 3], target: "y", task: c.task,
                                 split: SplitSpec(testFraction: 0.25, seed: 1, stratify: false))
        do {
            let outcome = try Fixtures.train(spec, frame)
            #expect(outcome.evaluation.metrics.values.allSatisfy { $0.isFinite }, "\(outcome.evaluation.metrics)")
            #expect(outcome.artifact.fitted.nonFiniteParameter == nil)
            // What was trained also loads.
            _ = try ModelArtifact.decode(outcome.bytes, expectedDigest: outcome.digest)
        } catch let e as LearnError {
            #expect(e.message.contains("overflow") || e.message.contains("not a finite number") || e.message.contains("too large"), "\(e.message)")
        }
    }

    @Test func knnTrainingOnHugeValuesIsRefusedByName() throws {
        let spec = Fixtures.spec("knn", target: "y", split: SplitSpec(testFraction: 0.25, seed: 1, stratify: false))
        #expect(throws: LearnError.self) { try Fixtures.train(spec, try Self.hugeFrame(target: false)) }
        do { _ = try Fixtures.train(spec, try Self.hugeFrame(target: false)) } catch let e as LearnError {
            #expect(e.message.contains("training knn overflowed"), "\(e.message)")
            #expect(e.message.contains("rescale"), "\(e.message)")
        }
    }

    @Test func standardisingHugeValuesNamesTheFeature() throws {
        let spec = Fixtures.spec("logistic_regression", ["standardize": true], target: "y",
                                 split: SplitSpec(testFraction: 0.25, seed: 1, stratify: false))
        do { _ = try Fixtures.train(spec, try Self.hugeFrame(target: false)); Issue.record("trained") } catch let e as LearnError {
            #expect(e.message.contains("feature \"a\" cannot be standardised"), "\(e.message)")
        }
    }
}
