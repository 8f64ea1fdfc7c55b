import SluiceCore
import SluiceLearn
import SluiceManifest

/// The identity of a trained version: a digest of its canonical training inputs (task, dataset
/// spec with URL secrets redacted, data content digests, algorithm with defaults filled in), the
/// digest of the feedback snapshot it trains on (only when there is one, so versions without
/// feedback keep their ids) and the engine's version.
/// Same inputs, same identity, so no training; any change, a new identity.
public enum VersionIdentity {
    /// The inputs document whose digest is the version id.
    public static func document(_ manifest: Manifest, dataDigest: String, testDigest: String?, feedback: String? = nil) -> JSON {
        var document: JSON = [
            "engine": .number(Double(ModelArtifact.engineVersion)),
            // Secrets in a dataset URL are not part of what is trained (the data digest is):
            // a rotated signature on the same data is the same version.
            "inputs": Redaction.json(manifest.trainingInputs),
            "data": ["source": .string(dataDigest), "test": testDigest.map(JSON.string) ?? .null],
        ]
        if let feedback, case .object(var o) = document {
            o["feedback"] = .string(feedback)
            document = .object(o)
        }
        return document
    }

    /// The version id: 64 hex characters.
    public static func id(_ manifest: Manifest, dataDigest: String, testDigest: String?, feedback: String? = nil) -> String {
        SHA256.hex(of: document(manifest, dataDigest: dataDigest, testDigest: testDigest, feedback: feedback).canonical())
    }

    /// The short form of an id shown to people (12 characters, like git).
    public static func short(_ id: String) -> String { String(id.prefix(12)) }
}
