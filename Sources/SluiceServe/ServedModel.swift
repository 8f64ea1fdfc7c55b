import Foundation
import SluiceCore
import SluiceLearn

/// A model loaded for serving: its artifact (checked against its digest), what the protocol
/// says about it, and how raw tensors become predictions. Immutable: a reload makes a new one,
/// and a request keeps the instance it started with until it finishes.
public final class ServedModel: Sendable {
    public let name: String
    /// The version id from `metadata.json` (the store's version, or `sha256:…` for an artifact
    /// PUT without metadata).
    public let version: String
    /// SHA-256 of `model.json`, hex.
    public let digest: String
    /// The directory it was loaded from, relative to the repository.
    public let path: String
    public let loadedAt: Date
    public let artifact: ModelArtifact
    /// Whether the artifact carries a reference profile, so that its rows are recorded for monitoring.
    public let isMonitored: Bool

    /// How the predicted label is typed on the wire.
    enum LabelType { case bytes, int64, fp64 }
    let labelType: LabelType
    /// The class labels as numbers, for numeric targets (parsed once, not per row).
    let numericLabels: [Double]
    /// `GET /v2/models/{name}`, encoded once.
    public let metadataBody: [UInt8]

    public init(name: String, version: String, digest: String, path: String, artifact: ModelArtifact, loadedAt: Date = Date()) {
        self.name = name
        self.version = version
        self.digest = digest
        self.path = path
        self.artifact = artifact
        self.loadedAt = loadedAt
        isMonitored = artifact.reference != nil
        numericLabels = artifact.target.numeric ? artifact.target.classes.map { Double($0) ?? .nan } : []
        if artifact.task == .regression {
            labelType = .fp64
        } else if !artifact.target.numeric {
            labelType = .bytes
        } else if numericLabels.allSatisfy({ $0 == $0.rounded() && abs($0) < 9e15 }) {
            labelType = .int64
        } else {
            labelType = .fp64
        }
        metadataBody = ServedModel.metadata(name: name, version: version, digest: digest, artifact: artifact, labelType: labelType).canonicalBytes()
    }

    /// Whether `requested` names this version: the whole id, or a prefix of at least 7 characters.
    public func matches(version requested: String) -> Bool {
        requested == version || (requested.count >= 7 && version.hasPrefix(requested))
    }

    /// The input every all-numeric model declares: one `[-1, n]` tensor.
    public static let matrixInput = "input-0"
    /// The output with the predicted label (classification) or value (regression).
    public static let predictOutput = "predict"
    /// The output with class probabilities, one column per class.
    public static let probabilityOutput = "predict_proba"

    var outputNames: [String] {
        artifact.task == .classification ? [Self.predictOutput, Self.probabilityOutput] : [Self.predictOutput]
    }

    private static func metadata(name: String, version: String, digest: String, artifact: ModelArtifact, labelType: LabelType) -> JSON {
        let features = artifact.encoder.features
        let inputs: [JSON]
        if artifact.encoder.isAllNumeric {
            inputs = [["name": .string(matrixInput), "datatype": "FP64", "shape": [-1, .number(Double(features.count))]]]
        } else {
            inputs = features.map { f in
                let type: JSON = if case .categorical = f.kind { "BYTES" } else { "FP64" }
                return ["name": .string(f.name), "datatype": type, "shape": [-1, 1]]
            }
        }
        var outputs: [JSON] = [[
            "name": .string(predictOutput),
            "datatype": .string(labelType == .bytes ? "BYTES" : labelType == .int64 ? "INT64" : "FP64"),
            "shape": [-1, 1],
        ]]
        if artifact.task == .classification {
            outputs.append(["name": .string(probabilityOutput), "datatype": "FP64", "shape": [-1, .number(Double(artifact.target.classes.count))]])
        }
        var parameters: [String: JSON] = [
            "task": .string(artifact.task.rawValue),
            "algorithm": .string(artifact.algorithm),
            "sha256": .string(digest),
            "feature_names": .strings(features.map(\.name)),
            "target": .string(artifact.target.name),
        ]
        if artifact.task == .classification { parameters["classes"] = .strings(artifact.target.classes) }
        return [
            "name": .string(name),
            "versions": [.string(version)],
            "platform": "sluice",
            "inputs": .array(inputs),
            "outputs": .array(outputs),
            "parameters": .object(parameters),
        ]
    }

    // MARK: Inference

    /// The most encoded values (rows × encoded columns) one request may make the model compute
    /// on: 2²⁸, a fraction of a second of work. A model with a text feature of thousands of
    /// categories encodes each row into thousands of columns, so its rows per request are fewer.
    public static let maxEncodedValues = 1 << 28

    /// The most elements any one input of a request to this model can usefully have: the rows
    /// that fit in ``maxEncodedValues`` times the features, checked from the shapes before any
    /// data is decoded (the exact limit is checked on the rows, after).
    public var inputLimit: InferenceRequest.InputLimit {
        let width = max(artifact.encoder.width, 1)
        let rows = max(1, Self.maxEncodedValues / width)
        let (elements, overflow) = rows.multipliedReportingOverflow(by: max(artifact.encoder.features.count, 1))
        return .init(elements: overflow ? .max : elements,
                     reason: "model \(name) encodes each row into \(width) columns, so it takes at most \(rows) rows per request")
    }

    /// A measure of the work a request asks of this model: its input elements times the encoded
    /// columns each feature becomes on average (a text feature of many categories is many
    /// one-hot columns), about the number of multiply-adds of a linear model.
    public func cost(of request: InferenceRequest) -> Int {
        let elements = request.inputs.reduce(0) { $0 + $1.values.count }
        let features = max(artifact.encoder.features.count, 1)
        let (cost, overflow) = elements.multipliedReportingOverflow(by: max(1, artifact.encoder.width / features))
        return overflow ? .max : cost
    }

    /// Runs a request: checks its inputs against the model, then encodes and predicts one row at
    /// a time (so memory is one encoded row, never rows × encoded columns), and encodes the
    /// outputs asked for.
    /// - Throws: ``ServeError`` (400) naming the input, feature, row or output at fault: also for
    ///   a row whose values are so large that the model's arithmetic overflows.
    public func infer(_ request: InferenceRequest) throws(ServeError) -> InferenceResponse {
        try run(request).response
    }

    /// Runs a request like ``infer(_:)``, and also returns its rows for the monitor: the decoded
    /// inputs and the model's outputs, shared with the request (not copied).
    /// - Throws: ``ServeError``, as ``infer(_:)``.
    public func run(_ request: InferenceRequest) throws(ServeError) -> (response: InferenceResponse, rows: InferenceRows) {
        let wanted = try requestedOutputs(request)
        let rows = try rowSource(request.inputs)
        let encodedWidth = artifact.encoder.width
        let (work, overflow) = rows.count.multipliedReportingOverflow(by: max(encodedWidth, 1))
        guard !overflow, work <= Self.maxEncodedValues else {
            let most = Self.maxEncodedValues / max(encodedWidth, 1)
            throw .badRequest("the request has \(rows.count) rows and model \(name) encodes each into \(encodedWidth) columns: more than the \(Self.maxEncodedValues) values one request may compute on; send at most \(most) rows per request")
        }
        let width = artifact.outputs
        var predictions = [Double](repeating: 0, count: rows.count * width)
        var row = [Double](repeating: 0, count: encodedWidth)
        for r in 0..<rows.count {
            try rows.encode(r, &row)
            predictions.withUnsafeMutableBufferPointer { out in
                row.withUnsafeBufferPointer { x in
                    artifact.predict(x, into: UnsafeMutableBufferPointer(rebasing: out[(r * width)..<((r + 1) * width)]))
                }
            }
            do { try ModelArtifact.checkPrediction(predictions[(r * width)..<((r + 1) * width)], row: r + 1) } catch {
                throw .badRequest(error.message)
            }
        }
        var outputs: [OutputTensor] = []
        for output in wanted {
            if output.name == Self.probabilityOutput {
                outputs.append(OutputTensor(name: output.name, shape: [rows.count, width], binary: output.binary, values: .fp64(predictions)))
                continue
            }
            let values: OutputTensor.Values
            if artifact.task == .regression {
                values = .fp64(predictions)
            } else {
                let classes = (0..<rows.count).map { r in
                    ModelArtifact.argmax(predictions[(r * width)..<((r + 1) * width)])
                }
                switch labelType {
                case .bytes: values = .bytes(classes.map { artifact.target.classes[$0] })
                case .int64: values = .int64(classes.map { Int64(numericLabels[$0]) })
                case .fp64: values = .fp64(classes.map { numericLabels[$0] })
                }
            }
            outputs.append(OutputTensor(name: output.name, shape: [rows.count, 1], binary: output.binary, values: values))
        }
        let response = InferenceResponse.encode(model: name, version: version, id: request.id, outputs: outputs)
        return (response, InferenceRows(model: self, id: request.id ?? "", inputs: request.inputs, predictions: predictions, count: rows.count))
    }

    private func requestedOutputs(_ request: InferenceRequest) throws(ServeError) -> [RequestedOutput] {
        guard let outputs = request.outputs else {
            return outputNames.map { RequestedOutput(name: $0, binary: request.binaryOutput) }
        }
        for o in outputs where !outputNames.contains(o.name) {
            throw .badRequest("model \(name) has no output \"\(o.name)\"; its outputs are \(outputNames.map { "\"\($0)\"" }.joined(separator: ", "))")
        }
        return outputs
    }

    /// The rows of a request, checked against the model and encoded one at a time on demand.
    struct RowSource {
        var count: Int
        /// Encodes row `r` (from 0) into the buffer, which holds one encoded row.
        var encode: (Int, inout [Double]) throws(ServeError) -> Void
    }

    /// The rows of a request: one `[N, n]` tensor (any name) or one `[N]`/`[N, 1]` tensor per feature.
    func rowSource(_ inputs: [InputTensor]) throws(ServeError) -> RowSource {
        let encoder = artifact.encoder
        let features = encoder.features
        let n = features.count
        if inputs.count == 1, !features.contains(where: { $0.name == inputs[0].name }) || n == 1 {
            let input = inputs[0]
            let count: Int
            switch input.shape.count {
            case 2 where input.shape[1] == n: count = input.shape[0]
            case 1 where n == 1: count = input.shape[0]
            case 1 where input.shape[0] == n: count = 1
            default:
                throw .badRequest("input \"\(input.name)\" has shape \(shapeText(input.shape)); model \(name) takes [N, \(n)] (features \(features.map(\.name).joined(separator: ", "))) or one [N, 1] input per feature")
            }
            switch input.values {
            case .numbers(let numbers) where encoder.isAllNumeric:
                return RowSource(count: count) { r, row in
                    numbers.withUnsafeBufferPointer { x in
                        row.withUnsafeMutableBufferPointer { out in
                            encoder.encode(numbers: UnsafeBufferPointer(rebasing: x[(r * n)..<((r + 1) * n)]), into: out)
                        }
                    }
                }
            case .numbers(let v):
                return genericSource(count: count) { r, j in .number(v[r * n + j]) }
            case .strings(let v):
                return genericSource(count: count) { r, j in .string(v[r * n + j]) }
            }
        }
        // One tensor per feature.
        var columns: [InputTensor.Values] = []
        var firstName = ""
        for f in features {
            guard let input = inputs.first(where: { $0.name == f.name }) else {
                throw .badRequest("model \(name) needs an input for feature \"\(f.name)\"; give one [N, 1] input per feature (\(features.map(\.name).joined(separator: ", "))) or a single [N, \(n)] input")
            }
            guard input.shape.count == 1 || (input.shape.count == 2 && input.shape[1] == 1) else {
                throw .badRequest("input \"\(input.name)\" has shape \(shapeText(input.shape)); a per-feature input is [N] or [N, 1]")
            }
            if columns.isEmpty { firstName = input.name }
            guard columns.isEmpty || input.values.count == columns[0].count else {
                throw .badRequest("input \"\(input.name)\" has \(input.values.count) rows, but input \"\(firstName)\" has \(columns[0].count)")
            }
            columns.append(input.values)
        }
        if let extra = inputs.first(where: { input in !features.contains { $0.name == input.name } }) {
            throw .badRequest("model \(name) has no feature \"\(extra.name)\"; its features are \(features.map(\.name).joined(separator: ", "))")
        }
        return genericSource(count: columns[0].count) { r, j in
            switch columns[j] {
            case .numbers(let v): .number(v[r])
            case .strings(let v): .string(v[r])
            }
        }
    }

    /// Rows whose cells go through the encoder one JSON value at a time (text features, or text
    /// for numbers).
    private func genericSource(count: Int, value: @escaping (Int, Int) -> JSON) -> RowSource {
        let encoder = artifact.encoder
        var raw = [JSON](repeating: .null, count: encoder.features.count)
        return RowSource(count: count) { r, row throws(ServeError) in
            for j in raw.indices { raw[j] = value(r, j) }
            do { try encoder.encode(values: raw, into: &row) } catch let e as LearnError {
                throw .badRequest("row \(r + 1): \(e.message)")
            } catch {
                throw .badRequest("row \(r + 1): \(error)")
            }
        }
    }

    private func shapeText(_ shape: [Int]) -> String { "[\(shape.map(String.init).joined(separator: ", "))]" }
}
