import Testing
import SluiceCore
@testable import SluiceLearn

/// The estimator contract, over every algorithm and every task it supports: determinism, no
/// mutation, early parameter checks, and sane predictions.
@Suite struct EstimatorConformanceTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var algorithm: String
        var task: LearningTask
        var testDescription: String { "\(algorithm) \(task.rawValue)" }
    }

    static let cases: [Case] = AlgorithmCatalog.all.flatMap { a in a.tasks.map { Case(algorithm: a.name, task: $0) } }

    static func data(_ c: Case) throws -> (DataFrame, TrainingSpec) {
        switch c.task {
        case .classification:
            return (try Fixtures.csv("examples/data/iris.csv"), Fixtures.spec(c.algorithm, ["seed": 3]))
        case .regression:
            return (try Fixtures.regressionFrame(),
                    Fixtures.spec(c.algorithm, ["seed": 3], target: "y", task: .regression, split: SplitSpec(testFraction: 0.25, seed: 1, stratify: false)))
        }
    }

    @Test func everyAlgorithmOfTheDesignIsCovered() {
        #expect(Set(Self.cases.map(\.algorithm)) == ["decision_tree", "random_forest", "extra_trees", "gradient_boosting", "logistic_regression",
                                                     "linear_regression", "ridge", "knn", "naive_bayes"])
        #expect(Self.cases.count == 14)
    }

    @Test(arguments: cases)
    func sameSeedGivesIdenticalArtifactBytesAndPredictions(_ c: Case) throws {
        let (frame, spec) = try Self.data(c)
        let a = try Fixtures.train(spec, frame)
        let b = try Fixtures.train(spec, frame)
        #expect(a.artifact.reference != nil && a.artifact.reference == b.artifact.reference)
        #expect(a.bytes == b.bytes)
        #expect(a.digest == SHA256.hex(of: a.bytes))
        #expect(a.evaluation == b.evaluation)
    }

    @Test(arguments: cases)
    func fittingChangesNeitherTheInputsNorTheParameters(_ c: Case) throws {
        let (frame, spec) = try Self.data(c)
        let copy = frame
        let params = spec.params
        _ = try Fixtures.train(spec, frame)
        #expect(frame == copy)
        #expect(spec.params == params)
    }

    @Test(arguments: cases)
    func predictionsBeatTheTrivialModelOnTrainingRows(_ c: Case) throws {
        let (frame, spec) = try Self.data(c)
        let outcome = try Trainer.train(spec, train: frame, test: frame)
        switch c.task {
        case .classification:
            #expect(outcome.evaluation.metrics["accuracy"]! > 0.6, "the majority class gets 1/3: \(outcome.evaluation.metrics)")
        case .regression:
            #expect(outcome.evaluation.metrics["r2"]! > 0.5, "predicting the mean gets r2 0: \(outcome.evaluation.metrics)")
        }
    }

    /// Batch prediction (evaluation, `predict` of a file) and single-row prediction (serving)
    /// use different kernels for speed; they must agree exactly.
    @Test(arguments: cases)
    func batchAndSingleRowPredictionsAreIdentical(_ c: Case) throws {
        let (frame, spec) = try Self.data(c)
        let artifact = try Fixtures.train(spec, frame).artifact
        let x = try artifact.encoder.transform(frame)
        let batch = try artifact.predict(x)
        var row = [Double](repeating: 0, count: x.cols)
        for r in 0..<x.rows {
            x.copyRow(r, into: &row)
            #expect(artifact.predict(encodedRow: row) == batch[r], "row \(r)")
        }
    }

    @Test(arguments: cases)
    func artifactsRoundTripAndPredictTheSame(_ c: Case) throws {
        let (frame, spec) = try Self.data(c)
        let outcome = try Fixtures.train(spec, frame)
        let decoded = try ModelArtifact.decode(outcome.bytes, expectedDigest: outcome.digest)
        #expect(decoded == outcome.artifact)
        #expect(decoded.encoded() == outcome.bytes)
        let row: [String: JSON] = c.task == .classification
            ? ["sepal_length": 6.7, "sepal_width": 3.0, "petal_length": 5.2, "petal_width": 2.3]
            : ["a": 5, "b": 1, "c": 2, "colour": "red"]
        let p = try decoded.predict(rows: [row])
        #expect(p == (try outcome.artifact.predict(rows: [row])))
        if c.task == .classification {
            #expect(p.first?.label == "virginica")
            #expect(abs((p.first?.probabilities.reduce(0, +) ?? 0) - 1) < 1e-9)
        } else {
            // 3·5 − 2·1 + 0.5·4 + 2 = 17, on targets that range over about 60: a sane model is near.
            #expect(abs((p.first?.label.doubleValue ?? 0) - 17) < 8, "\(p)")
        }
    }

    @Test(arguments: cases)
    func invalidParametersAreRejectedBeforeAnyWork(_ c: Case) {
        let algorithm = AlgorithmCatalog.algorithm(named: c.algorithm)!
        for p in algorithm.parameters {
            #expect(p.accepts(p.defaultValue), "\(c.algorithm).\(p.name) accepts its default")
            #expect(!p.accepts(.string("bogus")), "\(c.algorithm).\(p.name) refuses a wrong value")
            #expect(!p.accepts(.array([])), "\(c.algorithm).\(p.name) refuses a wrong type")
        }
        #expect(!algorithm.parameter("seed")!.accepts(-1))
    }

    @Test func emptyOrOneClassDataIsAClearError() throws {
        let one = try Fixtures.csv(text: "a,species\n1,x\n2,x\n3,x\n")
        for c in Self.cases where c.task == .classification {
            do {
                _ = try Trainer.train(Fixtures.spec(c.algorithm), train: one, test: one)
                Issue.record("\(c.algorithm) trained on one class")
            } catch {
                #expect("\(error)".contains("single class"), "\(c.algorithm): \(error)")
            }
        }
        #expect(throws: LearnError.self) { try ClassificationMetrics.all(truth: [], predicted: [], probabilities: [], classes: 2) }
        #expect(throws: LearnError.self) { try RegressionMetrics.all(truth: [], predicted: []) }
        let text = try Fixtures.csv(text: "a,y\n1,x\n2,y\n3,z\n")
        #expect(throws: LearnError.self) { try Trainer.train(Fixtures.spec("ridge", target: "y", task: .regression), train: text, test: text) }
    }

    @Test func classificationCriteriaAreRefusedForRegression() throws {
        let frame = try Fixtures.regressionFrame()
        do {
            _ = try Trainer.train(Fixtures.spec("decision_tree", ["criterion": "gini"], target: "y", task: .regression), train: frame, test: frame)
            Issue.record("gini accepted for regression")
        } catch {
            #expect("\(error)".contains("criterion \"gini\" is for classification"))
        }
    }

    @Test func stringFeaturesAndMissingValuesAreHandledInsideTheModel() throws {
        var text = "colour,size,species\n"
        for i in 0..<60 {
            let colour = ["red", "green", "blue"][i % 3]
            let size = i % 7 == 0 ? "" : String(i % 3 == 0 ? 1.0 + Double(i % 5) * 0.1 : 5.0 + Double(i % 4) * 0.1)
            text += "\(colour),\(size),\(i % 3 == 0 ? "small" : "large")\n"
        }
        let frame = try Fixtures.csv(text: text)
        for c in Self.cases where c.task == .classification {
            let outcome = try Trainer.train(Fixtures.spec(c.algorithm), train: frame, test: frame)
            #expect(outcome.evaluation.metrics["accuracy"]! > 0.9, "\(c.algorithm)")
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

    @Test func corruptArtifactsAreRefused() throws {
        let frame = try Fixtures.csv("examples/data/iris.csv")
        let outcome = try Fixtures.train(Fixtures.spec("decision_tree"), frame)
        var tampered = outcome.bytes
        tampered[tampered.count / 2] ^= 1
        #expect(throws: LearnError.self) { try ModelArtifact.decode(tampered, expectedDigest: outcome.digest) }
        // A structurally hostile tree (a cycle) is refused even without a digest.
        let cyclic = String(decoding: outcome.bytes, as: UTF8.self).replacingOccurrences(of: "\"left\":[1,", with: "\"left\":[0,")
        #expect(cyclic != String(decoding: outcome.bytes, as: UTF8.self))
        #expect(throws: LearnError.self) { try ModelArtifact.decode(Array(cyclic.utf8), expectedDigest: nil) }
    }
}

@Suite struct GradientBoostingTests {
    @Test(arguments: [LearningTask.classification, .regression])
    func earlyStoppingKeepsTheBestIterationsAndStaysDeterministic(task: LearningTask) throws {
        let (frame, base) = try EstimatorConformanceTests.data(.init(algorithm: "gradient_boosting", task: task))
        var spec = base
        spec.params = spec.algorithm.filled(["earlyStopping": true, "nIterNoChange": 3, "maxIter": 200, "learningRate": 0.3, "seed": 5])
        let a = try Trainer.fit(spec, train: frame)
        let b = try Trainer.fit(spec, train: frame)
        #expect(a.encoded() == b.encoded())
        guard case .boosted(let model) = a.fitted else { Issue.record("not a boosted model"); return }
        let perIteration = task == .classification ? 3 : 1
        #expect(model.trees.count % perIteration == 0)
        #expect(model.trees.count < 200 * perIteration, "stopped early")
        #expect(model.trees.count >= perIteration)
    }
}
