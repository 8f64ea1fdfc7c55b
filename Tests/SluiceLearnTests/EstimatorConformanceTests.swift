import Testing
import SluiceCore
@testable import SluiceLearn

/// The estimator contract, over every algorithm: determinism, no mutation, early parameter
/// checks, and sane predictions.
@Suite struct EstimatorConformanceTests {
    static let algorithms = AlgorithmCatalog.names

    @Test(arguments: algorithms)
    func sameSeedGivesIdenticalArtifactBytes(algorithm: String) throws {
        let frame = try Fixtures.csv("examples/data/iris.csv")
        let a = try Fixtures.train(Fixtures.spec(algorithm, ["seed": 3]), frame)
        let b = try Fixtures.train(Fixtures.spec(algorithm, ["seed": 3]), frame)
        #expect(a.bytes == b.bytes)
        #expect(a.digest == SHA256.hex(of: a.bytes))
    }

    @Test func differentSeedsGiveDifferentForests() throws {
        let frame = try Fixtures.csv("examples/data/iris.csv")
        let a = try Fixtures.train(Fixtures.spec("random_forest", ["seed": 1]), frame)
        let b = try Fixtures.train(Fixtures.spec("random_forest", ["seed": 2]), frame)
        #expect(a.bytes != b.bytes)
    }

    @Test(arguments: algorithms)
    func fittingDoesNotChangeTheInputs(algorithm: String) throws {
        let frame = try Fixtures.csv("examples/data/iris.csv")
        let copy = frame
        let spec = Fixtures.spec(algorithm)
        let params = spec.params
        _ = try Fixtures.train(spec, frame)
        #expect(frame == copy)
        #expect(spec.params == params)
    }

    @Test(arguments: algorithms)
    func predictionsBeatTheMajorityClassOnTrainingRows(algorithm: String) throws {
        let frame = try Fixtures.csv("examples/data/iris.csv")
        let spec = Fixtures.spec(algorithm)
        let outcome = try Trainer.train(spec, train: frame, test: frame)
        #expect(outcome.evaluation.metrics["accuracy"]! > 0.5, "majority class is 1/3")
    }

    @Test(arguments: algorithms)
    func artifactsRoundTripAndPredictTheSame(algorithm: String) throws {
        let frame = try Fixtures.csv("examples/data/iris.csv")
        let outcome = try Fixtures.train(Fixtures.spec(algorithm), frame)
        let decoded = try ModelArtifact.decode(outcome.bytes, expectedDigest: outcome.digest)
        #expect(decoded == outcome.artifact)
        #expect(decoded.encoded() == outcome.bytes)
        let row: [String: JSON] = ["sepal_length": 6.7, "sepal_width": 3.0, "petal_length": 5.2, "petal_width": 2.3]
        #expect(try decoded.predict(rows: [row]) == outcome.artifact.predict(rows: [row]))
        #expect(try decoded.predict(rows: [row]).first?.label == "virginica")
    }

    @Test func parametersAreCheckedBeforeAnyWork() {
        let forest = AlgorithmCatalog.algorithm(named: "random_forest")!
        #expect(!forest.parameter("nEstimators")!.accepts(0))
        #expect(!forest.parameter("nEstimators")!.accepts(1.5))
        #expect(forest.parameter("maxFeatures")!.accepts("sqrt"))
        #expect(forest.parameter("maxFeatures")!.accepts(0.5))
        #expect(!forest.parameter("maxFeatures")!.accepts("half"))
        #expect(!AlgorithmCatalog.algorithm(named: "logistic_regression")!.parameter("C")!.accepts(0))
    }

    @Test func oneClassAndEmptyDataAreClearErrors() throws {
        let one = try Fixtures.csv(text: "a,species\n1,x\n2,x\n3,x\n")
        #expect(throws: LearnError.self) { try Trainer.train(Fixtures.spec("decision_tree"), train: one, test: one) }
        do { _ = try Trainer.train(Fixtures.spec("decision_tree"), train: one, test: one) } catch {
            #expect("\(error)".contains("single class"))
        }
        #expect(throws: LearnError.self) { try ClassificationMetrics.all(truth: [], predicted: [], probabilities: [], classes: 2) }
    }

    @Test func stringFeaturesAndMissingValuesAreHandledInsideTheModel() throws {
        var text = "colour,size,species\n"
        for i in 0..<60 {
            let colour = ["red", "green", "blue"][i % 3]
            let size = i % 7 == 0 ? "" : String(i % 3 == 0 ? 1.0 + Double(i % 5) * 0.1 : 5.0 + Double(i % 4) * 0.1)
            text += "\(colour),\(size),\(i % 3 == 0 ? "small" : "large")\n"
        }
        let frame = try Fixtures.csv(text: text)
        for algorithm in Self.algorithms {
            let outcome = try Trainer.train(Fixtures.spec(algorithm), train: frame, test: frame)
            #expect(outcome.evaluation.metrics["accuracy"]! > 0.9, "\(algorithm)")
            let p = try outcome.artifact.predict(rows: [["colour": "red", "size": .null], ["colour": "purple", "size": 1.1]])
            #expect(p.count == 2)
        }
    }

    @Test func stratifiedSplitKeepsClassShares() throws {
        let labels = Array(repeating: 0, count: 50) + Array(repeating: 1, count: 50) + Array(repeating: 2, count: 50)
        let split = try TrainTestSplit.make(count: 150, testFraction: 0.3, seed: 42, labels: labels)
        #expect(split.test.count == 45)
        #expect(split.train.count == 105)
        for k in 0..<3 { #expect(split.test.filter { labels[$0] == k }.count == 15) }
        #expect(Set(split.train).isDisjoint(with: split.test))
        #expect(try TrainTestSplit.make(count: 150, testFraction: 0.3, seed: 42, labels: labels) == split)
    }

    @Test func metricsMatchHandComputedValues() throws {
        // truth: 0 0 1 1 2; predicted: 0 1 1 1 0
        let m = try ClassificationMetrics.all(truth: [0, 0, 1, 1, 2], predicted: [0, 1, 1, 1, 0],
                                              probabilities: Array(repeating: [0.5, 0.25, 0.25], count: 5), classes: 3)
        #expect(m["accuracy"] == 0.6)
        // recall: 0.5, 1, 0 → balanced 0.5; precision: 0.5, 2/3, 0
        #expect(abs(m["balanced_accuracy"]! - 0.5) < 1e-12)
        #expect(abs(m["precision_macro"]! - (0.5 + 2.0 / 3.0) / 3) < 1e-12)
        #expect(abs(m["recall_macro"]! - 0.5) < 1e-12)
        #expect(abs(m["f1_macro"]! - (0.5 + 0.8) / 3) < 1e-12)
    }

    @Test func corruptArtifactsAreRefused() throws {
        let frame = try Fixtures.csv("examples/data/iris.csv")
        let outcome = try Fixtures.train(Fixtures.spec("decision_tree"), frame)
        var tampered = outcome.bytes
        tampered[tampered.count / 2] ^= 1
        #expect(throws: LearnError.self) { try ModelArtifact.decode(tampered, expectedDigest: outcome.digest) }
        // A structurally hostile tree (a cycle) is refused even without a digest.
        let cyclic = String(decoding: outcome.bytes, as: UTF8.self).replacingOccurrences(of: "\"left\":[1,", with: "\"left\":[0,")
        #expect(throws: LearnError.self) { try ModelArtifact.decode(Array(cyclic.utf8), expectedDigest: nil) }
    }
}
