import SluiceLearn

/// A file a deployment target receives for each publication (`spec.deploy.formats`).
///
/// `model.json` (Sluice's own format) is always published: `sluice serve` loads it, and the
/// target is observed by its digest. `model.onnx` is the same model as an ONNX graph
/// (docs/onnx.md), written beside it, its SHA-256 in `metadata.json`.
public enum PublishFormat: String, Sendable, CaseIterable, Comparable {
    case sluice
    case onnx

    /// The file's name at the target.
    public var file: String {
        switch self {
        case .sluice: "model.json"
        case .onnx: "model.onnx"
        }
    }

    /// What a manifest without `formats` publishes.
    public static let standard: [PublishFormat] = [.sluice]

    /// The algorithms whose models can be exported as ONNX (k-nearest neighbours and naive Bayes
    /// cannot: docs/onnx.md).
    public static let onnxAlgorithms = Set(AlgorithmCatalog.onnxExportable)

    public static func < (a: PublishFormat, b: PublishFormat) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}
