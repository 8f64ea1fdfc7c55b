import SluiceCore
import SluiceMonitor
import Testing
@testable import SluiceLearn

/// `ModelArtifact.batchStats`: a batch file counted the way served rows are, for `sluice monitor --data`.
@Suite struct BatchMonitorTests {
    /// A profile on the bins of `frame`'s own feature values (so that the frame itself has no drift).
    static func profile(_ artifact: ModelArtifact, _ frame: DataFrame) -> ReferenceProfile {
        let features = artifact.encoder.features.map { f -> ReferenceProfile.Feature in
            switch frame.column(named: f.name)!.storage {
            case .numeric(let v): .numeric(name: f.name, values: v)
            case .string(let v): .categorical(name: f.name, values: v)
            }
        }
        let prediction = artifact.task == .classification
            ? Histogram(bins: .categorical(categories: artifact.target.classes)) : Histogram(bins: .numeric(edges: [0, 10, 20]))
        return ReferenceProfile(features: features, prediction: prediction, calibration: nil, testMetrics: [:], trainingRows: frame.rowCount, testRows: 0)
    }

    static func iris() throws -> (ModelArtifact, DataFrame) {
        let frame = try Fixtures.csv("examples/data/iris.csv")
        return (try Fixtures.train(Fixtures.spec("decision_tree", ["seed": 1]), frame).artifact, frame)
    }

    @Test func everyRowIsCountedOnTheProfileBinsAndLabelledByItsTarget() throws {
        let (artifact, frame) = try Self.iris()
        let p = Self.profile(artifact, frame)
        let stats = try artifact.batchStats(of: frame, profile: p)
        #expect(stats.rows == 150)
        #expect(stats.features == p.features.map(\.histogram), "the training values themselves fall in the reference counts")
        #expect(stats.unknown == [0, 0, 0, 0])
        // The predictions and the confusion matrix agree with predict(rows:).
        let rows = (0..<150).map { r in Dictionary(uniqueKeysWithValues: frame.columns.map { c -> (String, JSON) in
            if case .numeric(let v) = c.storage { return (c.name, .number(v[r])) }
            if case .string(let v) = c.storage { return (c.name, v[r].map(JSON.string) ?? .null) }
            return (c.name, .null)
        } ) }
        let predicted = try artifact.predict(rows: rows).map { $0.label.stringValue! }
        var expected = Histogram(bins: .categorical(categories: artifact.target.classes))
        for label in predicted { expected.add(label) }
        #expect(stats.prediction == expected)
        guard case .string(let truth) = frame.column(named: "species")!.storage else { Issue.record("species is text"); return }
        let correct = zip(predicted, truth).filter { $0 == $1 }.count
        #expect(stats.labelled.labelled == 150)
        #expect(stats.labelled.metric("accuracy")?.value == Double(correct) / 150)
        #expect(stats.labelled.unknownTruth == 0)
    }

    @Test func withoutTheTargetColumnNothingIsLabelled() throws {
        let (artifact, frame) = try Self.iris()
        var features = frame
        features.columns.removeAll { $0.name == "species" }
        let stats = try artifact.batchStats(of: features, profile: Self.profile(artifact, frame))
        #expect(stats.rows == 150)
        #expect(stats.labelled.labelled == 0)
    }

    @Test func aTruthThatIsNotAClassIsUnknownAndAnEmptyOneIsNotLabelled() throws {
        let (artifact, frame) = try Self.iris()
        let batch = try Fixtures.csv(text: "sepal_length,sepal_width,petal_length,petal_width,species\n5.1,3.5,1.4,0.2,rose\n5.1,3.5,1.4,0.2,\n5.1,3.5,1.4,0.2,setosa\n")
        let stats = try artifact.batchStats(of: batch, profile: Self.profile(artifact, frame))
        #expect(stats.labelled.labelled == 2)
        #expect(stats.labelled.unknownTruth == 1)
        #expect(stats.labelled.metric("accuracy")?.value == 0.5)
    }

    @Test func categoriesTheEncoderNeverSawAreUnknownAndNumbersInATextColumnAreLookedUpByTheirText() throws {
        // A text column where "7" is one of the categories (a CSV column cannot mix them; JSON rows can).
        let frame = DataFrame(columns: [
            .init(name: "size", storage: .numeric((1...40).map(Double.init))),
            .init(name: "colour", storage: .string((1...40).map { ["red", "blue", "7"][$0 % 3] })),
            .init(name: "y", storage: .numeric((1...40).map { Double($0 * 2) })),
        ])
        let artifact = try Fixtures.train(Fixtures.spec("linear_regression", target: "y", task: .regression, split: SplitSpec(testFraction: 0.3, seed: 1)), frame).artifact
        let p = Self.profile(artifact, frame)
        // "colour" holds only numbers in this batch, so it is read as a numeric column.
        let batch = try Fixtures.csv(text: "size,colour,y\n1,7,2\n2,8,4\n3,,6\n")
        let stats = try artifact.batchStats(of: batch, profile: p)
        let colour = artifact.encoder.features.firstIndex { $0.name == "colour" }!
        #expect(stats.unknown[colour] == 1, "8 was never a colour; 7 was")
        #expect(stats.features[colour].counts[p.features[colour].bins.index(of: "7")] == 1)
        #expect(stats.features[colour].counts[p.features[colour].bins.missingIndex] == 1)
        #expect(stats.labelled.labelled == 3)
        #expect(stats.labelled.metric("rmse") != nil)

        let purple = try Fixtures.csv(text: "size,colour,y\n1,purple,2\n2,red,4\n")
        let s2 = try artifact.batchStats(of: purple, profile: p)
        #expect(s2.unknown[colour] == 1)

        let textTarget = try Fixtures.csv(text: "size,colour,y\n1,red,two\n")
        #expect(throws: LearnError.self) { try artifact.batchStats(of: textTarget, profile: p) }
    }
}
