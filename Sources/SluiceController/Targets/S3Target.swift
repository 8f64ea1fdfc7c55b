import Foundation
import SluiceCore
import SluiceReconcile

/// Publishes `<url>/model.json` and `<url>/metadata.json` in an S3-compatible bucket
/// (`{"target": "s3", "url": "s3://BUCKET/PREFIX"}`), with signed requests (``S3Client``).
///
/// `model.json` is put first and `metadata.json`, which carries its digest, last: a reader
/// that checks the artifact against the metadata's digest never serves half a publication.
/// Each `PUT` is fenced (the writer lease is confirmed right before it). Drift is either object
/// missing or changed; retiring deletes the metadata first, then the model.
public struct S3Target: DeployTarget {
    /// `s3://BUCKET/PREFIX`, as the manifest wrote it.
    public let url: String
    public let model: S3Object
    public let metadata: S3Object
    let client: S3Client

    /// - Throws: ``TargetError`` when `url` is not an `s3://BUCKET/PREFIX` URL.
    public init(url: String, client: S3Client = .shared) throws {
        guard let model = S3Object(prefixURL: url, name: "model.json"), let metadata = S3Object(prefixURL: url, name: "metadata.json"),
              model.key != "model.json" else {
            throw TargetError("deploy url \(url) is not an s3://BUCKET/PREFIX URL")
        }
        self.url = url
        self.model = model
        self.metadata = metadata
        self.client = client
    }

    /// Reads both objects: `model.json` must hash to the published digest, and `metadata.json`
    /// must name the model, the version and that digest (``DirectoryTarget/check(metadata:_:file:)``).
    public func observe(_ expected: ExpectedContent) throws -> TargetObservation {
        guard let actual = try client.sha256(of: model) else { return .drifted("\(model) is missing") }
        guard actual == expected.artifactDigest else {
            return .drifted("\(model) was changed (sha256 \(actual.prefix(12)), expected \(expected.artifactDigest.prefix(12)))")
        }
        return DirectoryTarget.check(metadata: .success(try get(metadata)), expected, file: metadata.description)
    }

    public func publish(artifact: [UInt8], metadata: [UInt8], fence: WriteFence) throws {
        try client.put(model, artifact, contentType: "application/json", fence: fence)
        try client.put(self.metadata, metadata, contentType: "application/json", fence: fence)
    }

    public func retire(fence: WriteFence) throws {
        try fence()
        for object in [metadata, model] {
            let response = try client.send("DELETE", object, fence: fence)
            guard (200..<300).contains(response.status) || response.status == 404 else {  // 404: already gone
                throw client.failure("DELETE", object, response)
            }
        }
    }

    /// Checks the credentials and the bucket without changing anything: a `GET` of
    /// `metadata.json`, which must answer, or say that there is no such key (not no such bucket).
    public func preflight() throws {
        let response = try client.send("GET", metadata, attempts: 1)
        if (200..<300).contains(response.status) || S3Error.code(response.body) == "NoSuchKey" {
            return
        }
        throw client.failure("GET", metadata, response)
    }

    /// The object's bytes; `nil` when there is no such key.
    private func get(_ object: S3Object) throws -> [UInt8]? {
        let response = try client.send("GET", object)
        if (200..<300).contains(response.status) { return response.body }
        if response.status == 404, S3Error.code(response.body) != "NoSuchBucket" { return nil }
        throw client.failure("GET", object, response)
    }

}
