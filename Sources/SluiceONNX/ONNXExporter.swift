import SluiceCore
import SluiceLearn

/// Writes a trained Sluice model as an ONNX model that takes the same raw columns as
/// `sluice predict` (one input per feature, `[N, 1]`: double for numeric features, string for
/// categorical ones; NaN or a missing/unseen category imputed as in training) and gives the
/// same outputs in double precision: `label` (string `[N]`) and `probabilities` (double
/// `[N, classes]`, in the artifact's class order) for classifiers, `variable` (double `[N, 1]`)
/// for regressors. Pure: artifact in, bytes out; the same artifact always gives the same bytes.
///
/// Trees, forests and gradient boosting become `ai.onnx.ml` `TreeEnsemble` (opset 5, double
/// thresholds; `TreeEnsembleRegressor` for opset 3); linear models `MatMul` + `Add` (+ `Sigmoid`'s arithmetic or `Softmax`) in double;
/// imputation `IsNaN` + `Where`; standardisation `Sub` + `Div`; categories `LabelEncoder`. kNN and
/// naive Bayes are refused (``ONNXExportError``). See docs/onnx.md.
public struct ONNXExporter: Sendable {
    /// Export settings.
    public struct Options: Sendable, Equatable {
        /// The `ai.onnx.ml` operator set: 5 (`TreeEnsemble`, IR version 10, `ai.onnx` opset 21), or 3
        /// for runtimes with an onnxruntime older than 1.20 (`TreeEnsembleRegressor`, IR version 8,
        /// `ai.onnx` opset 16), whose trees' sums pass through float32.
        public var mlOpset: Int

        public init(mlOpset: Int = 5) { self.mlOpset = mlOpset }
    }

    /// The `ai.onnx.ml` operator sets ``Options/mlOpset`` accepts.
    public static let supportedMLOpsets = [5, 3]
    /// The standard (`ai.onnx`) operator set and IR version that go with each `ai.onnx.ml` one
    /// (the newest of that ONNX release).
    static let releases: [Int: (standard: Int64, ir: Int64)] = [5: (21, 10), 3: (16, 8)]
    /// The algorithms whose models can be exported.
    public static let exportableAlgorithms = AlgorithmCatalog.onnxExportable
    /// The names of the graph's outputs, which no feature may take.
    public static let outputNames = ["label", "probabilities", "variable"]

    public var options: Options

    public init(_ options: Options = Options()) { self.options = options }

    /// The ONNX bytes of `artifact`, the model called `name`.
    /// - Throws: ``ONNXExportError`` when the algorithm has no ONNX form (kNN, naive Bayes), the
    ///   operator set is not supported, or a feature's name clashes with a name of the graph.
    public func export(_ artifact: ModelArtifact, name: String) throws(ONNXExportError) -> [UInt8] {
        try model(artifact, name: name).encoded()
    }

    /// The ONNX model of `artifact`, as values (what ``export(_:name:)`` encodes).
    /// - Throws: as ``export(_:name:)``.
    public func model(_ artifact: ModelArtifact, name: String) throws(ONNXExportError) -> ONNXModel {
        guard Self.supportedMLOpsets.contains(options.mlOpset) else {
            throw ONNXExportError("ai.onnx.ml opset \(options.mlOpset) is not supported; use \(Self.supportedMLOpsets.map(String.init).joined(separator: " or "))")
        }
        var g = GraphBuilder()
        g.mlOpset = options.mlOpset
        let x = g.encodedFeatures(artifact.encoder)
        switch artifact.fitted {
        case .trees(let m): g.forest(m, input: x, task: artifact.task)
        case .boosted(let m): g.boosted(m, input: x, task: artifact.task)
        case .linear(let m): g.linear(m, input: x, task: artifact.task)
        case .neighbors: throw Self.refusal(name, artifact.algorithm, "k-nearest neighbours needs the whole training set inside the graph")
        case .naiveBayes: throw Self.refusal(name, artifact.algorithm, "naive Bayes has no ONNX form here yet")
        }
        if artifact.task == .classification {
            let index = g.op("ArgMax", ["probabilities"], [ONNXAttribute("axis", .int(1)), ONNXAttribute("keepdims", .int(0))])
            g.op("LabelEncoder", [index], output: "label", domain: "ai.onnx.ml", [
                ONNXAttribute("keys_int64s", .ints(artifact.target.classes.indices.map(Int64.init))),
                ONNXAttribute("values_strings", .strings(artifact.target.classes)),
                ONNXAttribute("default_string", .string("")),
            ])
        }
        let inputs = Self.inputs(artifact.encoder)
        let defined = Set(g.definedNames)
        for input in inputs where defined.contains(input.name) {
            throw ONNXExportError("model \(name): feature \"\(input.name)\" has the name of a value of the ONNX graph "
                + "(the outputs are \(Self.outputNames.joined(separator: ", ")); internal values start with \"sluice.\"); "
                + "rename the column in the dataset and the manifest's features to export this model")
        }
        let release = Self.releases[options.mlOpset]!
        return ONNXModel(
            irVersion: release.ir, opsets: [("", release.standard), ("ai.onnx.ml", Int64(options.mlOpset))],
            graphName: name, nodes: g.nodes, initializers: g.initializers,
            inputs: inputs, outputs: Self.outputs(artifact),
            metadata: [("sluice.model", name), ("sluice.algorithm", artifact.algorithm),
                       ("sluice.artifact_sha256", SHA256.hex(of: artifact.encoded()))])
    }

    /// The graph's inputs: one `[N, 1]` tensor per feature, named as the feature, in the
    /// artifact's feature order; double for numeric features, string for categorical ones.
    public static func inputs(_ encoder: FeatureEncoder) -> [ONNXValueInfo] {
        encoder.features.map { f in
            let type: ONNXElementType = if case .numeric = f.kind { .double } else { .string }
            return ONNXValueInfo(name: f.name, type: type, shape: [.param("N"), .value(1)])
        }
    }

    /// The graph's outputs: `label` and `probabilities` for a classifier, `variable` for a regressor.
    public static func outputs(_ artifact: ModelArtifact) -> [ONNXValueInfo] {
        if artifact.task == .regression {
            return [ONNXValueInfo(name: "variable", type: .double, shape: [.param("N"), .value(1)])]
        }
        return [ONNXValueInfo(name: "label", type: .string, shape: [.param("N")]),
                ONNXValueInfo(name: "probabilities", type: .double, shape: [.param("N"), .value(Int64(artifact.target.classes.count))])]
    }

    private static func refusal(_ name: String, _ algorithm: String, _ why: String) -> ONNXExportError {
        ONNXExportError("model \(name) (algorithm \(algorithm)) cannot be exported to ONNX: \(why); "
            + "exportable algorithms: \(exportableAlgorithms.joined(separator: ", "))")
    }
}
