import Foundation
import Testing
import SluiceCore
import SluiceMonitor
@testable import SluiceLearn

/// The reference profile the trainer freezes into every artifact, checked against numpy and scikit-learn
/// (`Tests/Fixtures/monitor/make_profile.py` wrote `profile.json` from the same training rows).
@Suite struct ReferenceProfileTests {
    /// The expected profile of one data set, from `profile.json`.
    static func expected(_ name: String) throws -> JSON {
        let bytes = try [UInt8](Data(contentsOf: Fixtures.root.appendingPathComponent("Tests/Fixtures/monitor/profile.json")))
        return try #require(try JSONParser.parse(bytes).value[name])
    }

    /// Trains with scikit-learn's split, the one `make_profile.py` reproduces.
    static func outcome(_ algorithm: String, _ frame: DataFrame, target: String, testSize: Double, seed: UInt64, stratify: Bool,
                        task: LearningTask = .classification) throws -> TrainingOutcome {
        let split = SplitSpec(method: .sklearn, testSize: .fraction(testSize), seed: seed, stratify: stratify)
        return try Fixtures.train(Fixtures.spec(algorithm, target: target, task: task, split: split), frame)
    }

    /// Compares every feature's bins and training counts with the fixture's.
    static func expectFeatures(_ profile: ReferenceProfile, match expected: JSON) throws {
        let features = try #require(expected["features"]?.arrayValue)
        #expect(profile.features.count == features.count)
        for (f, e) in zip(profile.features, features) {
            #expect(f.name == e["name"]?.stringValue)
            let counts = (e["counts"]?.arrayValue ?? []).compactMap { $0.intValue }
            #expect(f.histogram.counts == counts, "\(f.name)")
            switch f.bins {
            case .numeric(let edges):
                let want = (e["edges"]?.arrayValue ?? []).compactMap { $0.doubleValue }
                #expect(edges.count == want.count, "\(f.name): \(edges) vs numpy \(want)")
                for (a, b) in zip(edges, want) { #expect(abs(a - b) <= 1e-12 * max(1, abs(b)), "\(f.name): \(edges) vs numpy \(want)") }
            case .categorical(let categories):
                let want = (e["categories"]?.arrayValue ?? []).compactMap { $0.stringValue }
                #expect(categories == want, "\(f.name)")
            }
        }
    }

    @Test func irisFeatureBinsAreNumpysDecilesOfTheTrainingSplit() throws {
        let expected = try Self.expected("iris")
        let outcome = try Self.outcome("decision_tree", Fixtures.csv("examples/data/iris.csv"), target: "species", testSize: 0.3, seed: 42, stratify: true)
        let profile = try #require(outcome.artifact.reference)
        #expect(profile.trainingRows == expected["trainingRows"]?.intValue && profile.trainingRows == 105)
        #expect(profile.testRows == expected["testRows"]?.intValue && profile.testRows == 45)
        try Self.expectFeatures(profile, match: expected)
        for f in profile.features { #expect(f.histogram.total == profile.trainingRows, "\(f.name)") }
    }

    @Test func categoricalFeaturesKeepTheTopTwentyTrainingCategoriesWithMissingAndOther() throws {
        let expected = try Self.expected("shop")
        let outcome = try Self.outcome("logistic_regression", Fixtures.csv("Tests/Fixtures/monitor/shop.csv"), target: "bought",
                                       testSize: 0.25, seed: 7, stratify: false)
        let profile = try #require(outcome.artifact.reference)
        #expect(profile.trainingRows == 180 && profile.testRows == 60)
        try Self.expectFeatures(profile, match: expected)
        // channel has 26 categories (6 of them fall into `other`) and missing cells; amount has missing cells.
        let channel = try #require(profile.features.first { $0.name == "channel" })
        #expect(channel.bins.count == 22 && channel.histogram.counts[20] > 0 && channel.histogram.counts[21] > 0)
        let amount = try #require(profile.features.first { $0.name == "amount" })
        #expect(amount.histogram.counts[amount.bins.missingIndex] > 0)
    }

    @Test func aClassifiersPredictionsAreCountedByTheLabelTextTheServerReports() throws {
        // Breast cancer's target is 0/1: numeric labels, written as the server writes them ("0", "1").
        let frame = try Fixtures.csv("examples/data/breast_cancer.csv")
        let spec = Fixtures.spec("naive_bayes", target: "target")
        let parts = try Trainer.partition(spec, data: frame, test: nil)
        let outcome = try Trainer.train(spec, train: parts.train, test: parts.test)
        let artifact = outcome.artifact
        let profile = try #require(artifact.reference)
        #expect(profile.prediction.bins == .categorical(categories: ["0", "1"]))
        var counts = [String: Int]()
        for p in try artifact.predict(artifact.encoder.transform(parts.test)) {
            let label = artifact.target.label(ModelArtifact.argmax(p))
            counts[label.stringValue ?? JSON.format(label.doubleValue!), default: 0] += 1
        }
        #expect(profile.prediction.counts == [counts["0", default: 0], counts["1", default: 0], 0, 0])
        #expect(profile.prediction.total == profile.testRows && profile.testRows == parts.test.rowCount)
        #expect(profile.trainingRows == parts.train.rowCount)
    }

    @Test func aClassifiersCalibrationMapsMaxProbabilityToItsTestAccuracy() throws {
        let frame = try Fixtures.csv("examples/data/iris.csv")
        let spec = Fixtures.spec("knn")
        let parts = try Trainer.partition(spec, data: frame, test: nil)
        let outcome = try Trainer.train(spec, train: parts.train, test: parts.test)
        let artifact = outcome.artifact
        let profile = try #require(artifact.reference)
        let predictions = try artifact.predict(artifact.encoder.transform(parts.test))
        let truth = Trainer.labelsText(try #require(parts.test.column(named: "species")))
        let correct = predictions.indices.map { artifact.target.classes[ModelArtifact.argmax(predictions[$0])] == truth[$0] ? 1.0 : 0.0 }
        let want = try IsotonicCalibration(scores: predictions.map { $0.max()! }, outcomes: correct)
        #expect(profile.calibration == want)
        #expect(profile.prediction.bins == .categorical(categories: ["setosa", "versicolor", "virginica"]))
        #expect(profile.prediction.total == profile.testRows)
        #expect(profile.testMetrics == outcome.evaluation.metrics)
        #expect(profile.testMetrics["accuracy"] == correct.reduce(0, +) / Double(correct.count))
    }

    @Test func aRegressorsPredictionsGetDecileBinsAndNoCalibration() throws {
        let spec = Fixtures.spec("ridge", target: "y", task: .regression, split: SplitSpec(testFraction: 0.25, seed: 1, stratify: false))
        let frame = try Fixtures.regressionFrame()
        let parts = try Trainer.partition(spec, data: frame, test: nil)
        let outcome = try Trainer.train(spec, train: parts.train, test: parts.test)
        let artifact = outcome.artifact
        let profile = try #require(artifact.reference)
        #expect(profile.calibration == nil)
        #expect(!profile.isClassifier)
        let predicted = try artifact.predict(artifact.encoder.transform(parts.test)).map { $0[0] }
        #expect(profile.prediction.bins == ReferenceBins.numeric(fitting: predicted))
        #expect(profile.prediction.bins.count == 11)
        #expect(profile.prediction.total == parts.test.rowCount && profile.testRows == parts.test.rowCount)
        #expect(profile.testMetrics == outcome.evaluation.metrics && profile.testMetrics["r2"] != nil)
        // The text column is categorical, the numbers numeric, in the artifact's feature order.
        #expect(profile.features.map(\.name) == ["a", "b", "c", "colour"])
        guard case .categorical(let colours) = profile.features[3].bins else { Issue.record("colour has categorical bins"); return }
        #expect(Set(colours) == ["red", "green", "blue"])
        for f in profile.features { #expect(f.histogram.total == parts.train.rowCount, "\(f.name)") }
    }

    @Test func aFixedTestFileProfilesTheWholeDataAsTrainingRows() throws {
        let train = try Fixtures.csv("examples/data/iris.csv")
        let test = train.selecting(rows: Array(stride(from: 0, to: 150, by: 5)))
        let outcome = try Trainer.train(Fixtures.spec("naive_bayes"), train: train, test: test)
        let profile = try #require(outcome.artifact.reference)
        #expect(profile.trainingRows == 150 && profile.testRows == 30)
        let lengths = try #require(train.column(named: "sepal_length"))
        guard case .numeric(let values) = lengths.storage else { Issue.record("sepal_length is numeric"); return }
        #expect(profile.features[0] == .numeric(name: "sepal_length", values: values))
    }

    @Test func theProfileIsInTheArtifactsBytesAndDigest() throws {
        let outcome = try Fixtures.train(Fixtures.spec("decision_tree"), Fixtures.csv("examples/data/iris.csv"))
        let profile = try #require(outcome.artifact.reference)
        let root = try JSONParser.parse(outcome.bytes).value
        #expect(root["formatVersion"]?.intValue == 3)
        #expect(try root["reference"].map { j throws(MonitorError) in try ReferenceProfile(json: j) } == profile)
        let decoded = try ModelArtifact.decode(outcome.bytes, expectedDigest: outcome.digest)
        #expect(decoded.reference == profile)
        var without = outcome.artifact
        without.reference = nil
        #expect(SHA256.hex(of: without.encoded()) != outcome.digest)
    }
}
