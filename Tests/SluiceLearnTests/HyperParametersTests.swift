import Testing
import SluiceCore
@testable import SluiceLearn

/// The catalog's parameters resolved for one training run: defaults from the catalog, the
/// task-dependent `null`s replaced in one place, bad values refused before any work.
@Suite struct HyperParametersTests {
    static func algorithm(_ name: String) throws -> Algorithm {
        try #require(AlgorithmCatalog.algorithm(named: name))
    }

    @Test(arguments: AlgorithmCatalog.names)
    func everyParameterTakesTheCatalogDefaultWhenLeftOut(_ name: String) throws {
        let algorithm = try Self.algorithm(name)
        for task in algorithm.tasks {
            let resolved = try HyperParameters([:], of: algorithm, task: task)
            #expect(Set(resolved.values.keys) == Set(algorithm.parameters.map(\.name)))
            for p in algorithm.parameters {
                let expected = p.defaultValue == .null ? p.nullMeans[task] ?? .null : p.defaultValue
                #expect(resolved[p.name] == expected, "\(name).\(p.name) on \(task)")
            }
            #expect(try HyperParameters(algorithm.filled([:]), of: algorithm, task: task) == resolved, "filling first changes nothing")
        }
    }

    @Test func taskDependentNullsAreScikitLearnsDefaultsForTheTask() throws {
        for name in ["decision_tree", "random_forest", "extra_trees"] {
            let algorithm = try Self.algorithm(name)
            let classification = try HyperParameters(["criterion": .null], of: algorithm, task: .classification)
            let regression = try HyperParameters(["criterion": .null], of: algorithm, task: .regression)
            #expect(classification.string("criterion") == "gini")
            #expect(regression.string("criterion") == "squared_error")
            // A forest examines √F features per split in classification, all of them in regression;
            // a single tree examines all of them in both.
            #expect(classification.featureCount("maxFeatures", of: 16) == (name == "decision_tree" ? nil : 4), "\(name)")
            #expect(regression.featureCount("maxFeatures", of: 16) == nil, "\(name)")
        }
        let tree = try HyperParameters(["maxDepth": .null], of: try Self.algorithm("gradient_boosting"), task: .regression)
        #expect(tree.optionalInt("maxDepth") == nil, "null maxDepth: no limit")
    }

    @Test func explicitValuesWinOverTheDefaults() throws {
        let p = try HyperParameters(["learningRate": 0.3, "maxIter": 7, "maxDepth": 4, "earlyStopping": true],
                                    of: try Self.algorithm("gradient_boosting"), task: .classification)
        #expect(p.double("learningRate") == 0.3)
        #expect(p.int("maxIter") == 7)
        #expect(p.optionalInt("maxDepth") == 4)
        #expect(p.bool("earlyStopping"))
        #expect(p.int("maxLeafNodes") == 31)
        let forest = try HyperParameters(["maxFeatures": 0.5], of: try Self.algorithm("random_forest"), task: .classification)
        #expect(forest.featureCount("maxFeatures", of: 10) == 5)
    }

    @Test func aValueTheParameterRefusesOrAnUnknownNameIsAnErrorNamingTheField() throws {
        let knn = try Self.algorithm("knn")
        #expect(throws: LearnError("spec.algorithm.params.nNeighbors is 0; expected an integer from 1 to 10000")) {
            try HyperParameters(["nNeighbors": 0], of: knn, task: .classification)
        }
        #expect(throws: LearnError("spec.algorithm.params.weights is \"far\"; expected one of \"uniform\", \"distance\"")) {
            try HyperParameters(["weights": "far"], of: knn, task: .classification)
        }
        #expect(throws: LearnError("spec.algorithm.params.nEstimators is not a parameter of knn; its parameters: nNeighbors, weights, standardize, seed")) {
            try HyperParameters(["nEstimators": 10], of: knn, task: .classification)
        }
        // The trainer resolves before any work: a spec built without the manifest decoder is held to the same rules.
        let frame = try Fixtures.csv("examples/data/iris.csv")
        var spec = Fixtures.spec("knn")
        spec.params["weights"] = "far"
        #expect(throws: LearnError.self) { try Trainer.fit(spec, train: frame) }
    }
}
