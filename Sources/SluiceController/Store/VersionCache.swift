import Foundation
import SluiceCore
import SluiceReconcile
import SluiceSystem

/// A directory of trained versions shared between runs that do not share a store — typically
/// `gate` on a pull request and `apply` after the merge, through a CI cache. Keyed by version id
/// (the digest of the training inputs), so a hit is exactly the model that training would give.
///
/// Layout: `<dir>/versions/<id>.json` (the record) and `<dir>/artifacts/sha256/…` (the artifact).
public struct VersionCache: Sendable {
    public let path: String
    let artifacts: ArtifactDirectory

    public init(path: String) {
        self.path = path
        artifacts = ArtifactDirectory(path: path + "/artifacts")
    }

    func recordFile(_ id: String) -> String { "\(path)/versions/\(id).json" }

    /// Stores a trained version and its artifact.
    public func put(_ v: VersionRecord, artifact bytes: [UInt8]) throws {
        _ = try artifacts.put(bytes)
        let doc: JSON = [
            "id": .string(v.id), "model": .string(v.model), "artifactDigest": .string(v.artifactDigest), "inputs": v.inputs,
            "manifestDigest": .string(v.manifestDigest), "manifestFile": .string(v.manifestFile),
            "dataDigest": .string(v.dataDigest), "testDigest": v.testDigest.map(JSON.string) ?? .null,
            "metrics": .object(v.metrics.mapValues(JSON.number)), "evaluation": v.evaluation,
            "trainSeconds": .number(v.trainSeconds), "trainedAt": .number(v.trainedAt.timeIntervalSince1970),
            "revision": v.revision.map(JSON.string) ?? .null,
            "feedback": v.feedbackDigest.map(JSON.string) ?? .null,
        ]
        try AtomicFile.write(doc.canonicalBytes(pretty: true), to: recordFile(v.id))
    }

    /// The cached version `id` and its verified artifact, if the cache has both intact.
    public func get(_ id: String) -> (VersionRecord, [UInt8])? {
        guard let data = try? PosixFiles.read(recordFile(id), limit: PosixFiles.metadataLimit),
              let doc = try? JSONParser.parse(data).value,
              let digest = doc["artifactDigest"]?.stringValue, doc["id"]?.stringValue == id,
              let bytes = try? artifacts.get(digest)
        else { return nil }
        let record = VersionRecord(
            model: doc["model"]?.stringValue ?? "", id: id, artifactDigest: digest, inputs: doc["inputs"] ?? .null,
            manifestDigest: doc["manifestDigest"]?.stringValue ?? "", manifestFile: doc["manifestFile"]?.stringValue ?? "",
            dataDigest: doc["dataDigest"]?.stringValue ?? "", testDigest: doc["testDigest"]?.stringValue,
            metrics: (doc["metrics"]?.objectValue ?? [:]).compactMapValues(\.doubleValue), evaluation: doc["evaluation"] ?? .null,
            trainSeconds: doc["trainSeconds"]?.doubleValue ?? 0,
            trainedAt: Date(timeIntervalSince1970: doc["trainedAt"]?.doubleValue ?? 0), revision: doc["revision"]?.stringValue,
            feedbackDigest: doc["feedback"]?.stringValue)
        return (record, bytes)
    }
}
