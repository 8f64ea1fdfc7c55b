import SluiceCore
import SluiceLearn
import SluiceManifest

/// The identity of a trained version: a digest of its canonical training inputs (task, dataset
/// spec with URL secrets redacted, data content digests, algorithm with defaults filled in) and the
/// engine's version.
/// Same inputs, same identity, so no training; any change, a new identity.
public enum VersionIdentity {
    /// The inputs document whose digest is the version id.
    public static func document(_ manifest: Manifest, dataDigest: String, testDigest: String?) -> JSON {
        [
            "engine": .number(Double(ModelArtifact.engineVersion)),
            // Secrets in a dataset URL are not part of what is trained (the data digest is):
            // a rotated signature on the same data is the same version.
            "inputs": Redaction.json(manifest.trainingInputs),
            "data": ["source": .string(dataDigest), "test": testDigest.map(JSON.string) ?? .null],
        ]
    }

    /// The version id: 64 hex characters.
    public static func id(_ manifest: Manifest, dataDigest: String, testDigest: String?) -> String {
        SHA256.hex(of: document(manifest, dataDigest: dataDigest, testDigest: testDigest).canonical())
    }

    /// The short form of an id shown to people (12 characters, like git).
    public static func short(_ id: String) -> String { String(id.prefix(12)) }
}
