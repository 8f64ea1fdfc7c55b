import SluiceCore
import SluiceLearn
import SluiceMonitor

/// The rows of one answered inference request, as the monitor receives them: the decoded inputs and
/// the model's outputs, shared with the request (building observations is left to the monitor's writer,
/// off the request path).
public struct InferenceRows: Sendable {
    /// The model instance that answered (its version, encoder and reference profile).
    public let model: ServedModel
    /// The request id (the client's, or the one the server generated and echoed).
    public let id: String
    /// The request's inputs, as decoded.
    public let inputs: [InputTensor]
    /// The model's outputs, `count × artifact.outputs` values: class probabilities or regression values.
    public let predictions: [Double]
    /// The number of rows.
    public let count: Int

    /// Creates the rows of one request.
    public init(model: ServedModel, id: String, inputs: [InputTensor], predictions: [Double], count: Int) {
        self.model = model
        self.id = id
        self.inputs = inputs
        self.predictions = predictions
        self.count = count
    }

    /// The memory the rows hold, about: 8 bytes a number, a string's UTF-8 bytes and 16 more.
    public var estimatedBytes: Int {
        var bytes = 256 + predictions.count * 8 + id.utf8.count
        for input in inputs {
            switch input.values {
            case .numbers(let v): bytes += v.count * 8
            case .strings(let v): for s in v { bytes += 16 + s.utf8.count }
            }
        }
        return bytes
    }

    /// Where each feature's values are in the inputs, found once per request (not per cell).
    struct Cells {
        /// Per feature: the tensor's values, and the index of row `r` as `r * stride + offset`.
        let columns: [(values: InputTensor.Values, stride: Int, offset: Int)?]

        /// The raw value of feature `j` in row `r` (number, text, or null for NaN).
        func raw(_ r: Int, _ j: Int) -> JSON {
            guard let c = columns[j] else { return .null }
            let index = r * c.stride + c.offset
            switch c.values {
            case .numbers(let v): return index < v.count && !v[index].isNaN ? .number(v[index]) : .null
            case .strings(let v): return index < v.count ? .string(v[index]) : .null
            }
        }
    }

    /// The layout of the inputs, checked by ``ServedModel/run(_:)``: one `[N, n]` tensor, or one tensor per feature.
    func cells() -> Cells {
        let features = model.artifact.encoder.features
        let n = features.count
        if inputs.count == 1, !features.contains(where: { $0.name == inputs[0].name }) || n == 1 {
            return Cells(columns: (0..<n).map { (inputs[0].values, n, $0) })
        }
        return Cells(columns: features.map { f in inputs.first { $0.name == f.name }.map { ($0.values, 1, 0) } })
    }

    /// The raw value of feature `j` in row `r`, as the client sent it (number, text, or null for NaN).
    public func raw(row r: Int, feature j: Int) -> JSON { cells().raw(r, j) }

    /// Row `r` as the monitor counts it: each raw value typed by the model's encoder (a category the
    /// encoder never saw is `known: false`), and the predicted label with its probability, or the value.
    public func observation(row r: Int) -> RowObservation { observation(row: r, cells: cells()) }

    /// Row `r` as the monitor counts it, with the inputs' layout found once for all rows.
    func observation(row r: Int, cells: Cells) -> RowObservation {
        let features = model.artifact.encoder.features
        var values: [RowObservation.Value] = []
        values.reserveCapacity(features.count)
        for (j, f) in features.enumerated() {
            values.append(Self.value(cells.raw(r, j), feature: f))
        }
        return RowObservation(values: values, prediction: prediction(row: r))
    }

    /// The prediction of row `r`: a classifier's label (the artifact's class text) and its probability,
    /// or a regressor's value.
    public func prediction(row r: Int) -> RowObservation.Prediction {
        let artifact = model.artifact
        let width = artifact.outputs
        let slice = predictions[(r * width)..<((r + 1) * width)]
        guard artifact.task == .classification else { return .value(slice[slice.startIndex]) }
        let k = ModelArtifact.argmax(slice)
        return .label(artifact.target.classes[k], confidence: slice[slice.startIndex + k])
    }

    /// A raw value typed by the encoder's feature: numbers for a numeric feature (text is read as a
    /// number; anything else is missing), categories for a categorical one.
    static func value(_ raw: JSON, feature f: FeatureEncoder.Feature) -> RowObservation.Value {
        switch f.kind {
        case .numeric:
            switch raw {
            case .number(let d): return d.isNaN ? .missing : .number(d)
            case .bool(let b): return .number(b ? 1 : 0)
            case .string(let s): return Double(s).map { $0.isNaN ? .missing : .number($0) } ?? .missing
            default: return .missing
            }
        case .categorical:
            let text: String
            switch raw {
            case .string(let s): text = s
            case .number(let d) where !d.isNaN: text = JSON.format(d)
            default: return .missing
            }
            return .category(text, known: f.index[text] != nil)
        }
    }
}
