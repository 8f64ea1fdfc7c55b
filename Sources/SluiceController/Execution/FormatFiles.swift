import SluiceCore
import SluiceLearn
import SluiceManifest
import SluiceONNX

/// The files of a publication's other formats (`spec.deploy.formats`), made from the stored
/// artifact at publish time: the same version always gives the same bytes, so nothing more is stored.
enum FormatFiles {
    /// The files besides `model.json` for `formats`.
    /// - Throws: ``TargetError`` naming the model and the format when the artifact cannot be converted.
    static func make(_ formats: [PublishFormat], artifact bytes: [UInt8], digest: String, model: String) throws -> [PublishedFile] {
        try formats.filter { $0 != .sluice }.map { format in
            switch format {
            case .sluice: PublishedFile(format: .sluice, bytes: bytes)
            case .onnx: PublishedFile(format: .onnx, bytes: try onnx(bytes, digest: digest, model: model))
            }
        }
    }

    /// `model.onnx`: the artifact through ``ONNXExporter`` (docs/onnx.md).
    static func onnx(_ bytes: [UInt8], digest: String, model: String) throws -> [UInt8] {
        let artifact = try ModelArtifact.decode(bytes, expectedDigest: digest)
        do { return try ONNXExporter().export(artifact, name: model) } catch {
            throw TargetError("model \(model): cannot publish model.onnx (spec.deploy.formats lists onnx): \(error.message)")
        }
    }
}
