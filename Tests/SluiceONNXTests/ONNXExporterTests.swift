import Foundation
import Testing
import SluiceCore
import SluiceLearn
import SluiceONNX

/// The exporter over models trained in-process: determinism, the graph's interface, refusals.
@Suite struct ONNXExporterTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func train(_ algorithm: String, _ params: [String: JSON] = [:], text: String? = nil, target: String = "species",
                      task: LearningTask = .classification) throws -> ModelArtifact {
        let bytes = try text.map { Array($0.utf8) } ?? [UInt8](Data(contentsOf: root.appendingPathComponent("examples/data/iris.csv")))
        let frame = try CSVReader.parse(bytes)
        let algo = try #require(AlgorithmCatalog.algorithm(named: algorithm))
        let spec = TrainingSpec(task: task, target: target, features: nil, algorithm: algo, params: algo.filled(params),
                                split: SplitSpec(testFraction: 0.3, seed: 1, stratify: false))
        return try Trainer.train(spec, train: frame, test: frame).artifact
    }

    @Test(arguments: ["decision_tree", "random_forest", "gradient_boosting", "logistic_regression"])
    func exportingTheSameArtifactTwiceGivesTheSameBytes(_ algorithm: String) throws {
        let artifact = try Self.train(algorithm, algorithm == "random_forest" ? ["nEstimators": 5] : [:])
        let a = try ONNXExporter().export(artifact, name: "iris")
        let decoded = try ModelArtifact.decode(artifact.encoded(), expectedDigest: nil)
        let b = try ONNXExporter().export(decoded, name: "iris")
        #expect(a == b)
        #expect(a.count > 100)
    }

    @Test func aClassifierTakesOneInputPerFeatureAndGivesLabelAndProbabilities() throws {
        let text = "x,colour,y\n" + (0..<40).map { "\($0 % 7),\(["red", "blue", ""][$0 % 3]),\($0 % 2 == 0 ? "a" : "b")" }.joined(separator: "\n")
        let artifact = try Self.train("logistic_regression", text: text, target: "y")
        let model = try ONNXExporter().model(artifact, name: "m")
        #expect(model.inputs == [ONNXValueInfo(name: "x", type: .double, shape: [.param("N"), .value(1)]),
                                 ONNXValueInfo(name: "colour", type: .string, shape: [.param("N"), .value(1)])])
        #expect(model.outputs.map(\.name) == ["label", "probabilities"])
        #expect(model.outputs[1].shape == [.param("N"), .value(2)])
        #expect(model.opsets.map(\.domain) == ["", "ai.onnx.ml"] && model.opsets.map(\.version) == [21, 5])
        let encoder = try #require(model.nodes.first { $0.opType == "LabelEncoder" && $0.inputs == ["colour"] })
        #expect(encoder.attributes.contains(ONNXAttribute("keys_strings", .strings(["blue", "red"]))))
    }

    @Test func aRegressorGivesVariable() throws {
        let artifact = try Self.train("ridge", target: "petal_width", task: .regression)
        let model = try ONNXExporter().model(artifact, name: "m")
        #expect(model.outputs == [ONNXValueInfo(name: "variable", type: .double, shape: [.param("N"), .value(1)])])
        #expect(model.inputs.last == ONNXValueInfo(name: "species", type: .string, shape: [.param("N"), .value(1)]))
    }

    @Test(arguments: ["knn", "naive_bayes"])
    func modelsWithoutAnONNXFormAreRefusedByNameAndAlgorithm(_ algorithm: String) throws {
        let artifact = try Self.train(algorithm)
        #expect {
            try ONNXExporter().export(artifact, name: "iris")
        } throws: { error in
            let message = (error as? ONNXExportError)?.message ?? ""
            return message.contains("model iris (algorithm \(algorithm)) cannot be exported to ONNX") && message.contains("exportable algorithms: decision_tree")
        }
    }

    @Test func aFeatureNamedAsAnOutputIsRefused() throws {
        let text = "label,y\n" + (0..<40).map { "\($0 % 7),\($0 % 2 == 0 ? "a" : "b")" }.joined(separator: "\n")
        let artifact = try Self.train("decision_tree", text: text, target: "y")
        #expect(throws: ONNXExportError.self) { try ONNXExporter().export(artifact, name: "m") }
    }

    @Test(arguments: ["random_forest", "gradient_boosting"])
    func opsetThreeUsesTreeEnsembleRegressorUnderIRVersionEight(_ algorithm: String) throws {
        let artifact = try Self.train(algorithm, ["random_forest": ["nEstimators": 3], "gradient_boosting": ["maxIter": 3]][algorithm]!)
        let exporter = ONNXExporter(.init(mlOpset: 3))
        let model = try exporter.model(artifact, name: "iris")
        #expect(model.irVersion == 8)
        #expect(model.opsets.map(\.version) == [16, 3])
        #expect(model.nodes.contains { $0.opType == "TreeEnsembleRegressor" } && !model.nodes.contains { $0.opType == "TreeEnsemble" })
        #expect(try exporter.export(artifact, name: "iris") == model.encoded())
        #expect(try exporter.export(artifact, name: "iris") != ONNXExporter().export(artifact, name: "iris"))
    }

    @Test func anUnsupportedOpsetIsRefused() throws {
        let artifact = try Self.train("decision_tree")
        #expect(throws: ONNXExportError.self) { try ONNXExporter(.init(mlOpset: 2)).export(artifact, name: "m") }
    }

    @Test func theTritonConfigNamesTheInputsAndOutputsWithTritonTypes() throws {
        let artifact = try Self.train("decision_tree")
        let text = TritonConfig.text(artifact, name: "iris")
        #expect(text.hasPrefix("name: \"iris\"\nplatform: \"onnxruntime_onnx\"\nmax_batch_size: 0\ninput [\n  {\n    name: \"sepal_length\"\n    data_type: TYPE_FP64\n    dims: [ -1, 1 ]\n  },\n"))
        #expect(text.hasSuffix("output [\n  {\n    name: \"label\"\n    data_type: TYPE_STRING\n    dims: [ -1 ]\n  },\n  {\n    name: \"probabilities\"\n    data_type: TYPE_FP64\n    dims: [ -1, 3 ]\n  }\n]\n"))
    }
}
