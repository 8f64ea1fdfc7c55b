import Foundation
import SluiceCore
import SluiceReconcile

/// Publishes `<url>/model.json` and `<url>/metadata.json` (and `<url>/model.onnx` when
/// `spec.deploy.formats` lists it) in an S3-compatible bucket (`{"target": "s3", "url":
/// "s3://BUCKET/PREFIX"}`), with signed requests (``S3Client``).
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
        let bytes = try get(metadata)
        let observation = DirectoryTarget.check(metadata: .success(bytes), expected, file: metadata.description)
        guard observation == .matches, let bytes, let json = try? JSONParser.parse(bytes).value else { return observation }
        // The other formats' objects (model.onnx): as the metadata gives their digests, and no others.
        return PublishedFile.check(metadata: json, expected: expected, display: url) { name in try client.sha256(of: object(name)) }
    }

    /// The object `<url>/NAME`.
    private func object(_ name: String) -> S3Object {
        S3Object(prefixURL: url, name: name)!  // `init` checked that the URL makes objects
    }

    /// Puts the other formats' objects (`model.onnx`) first, `model.json` next, `metadata.json` last;
    /// then deletes the object of a format no longer published.
    public func publish(artifact: [UInt8], metadata: [UInt8], files: [PublishedFile], fence: WriteFence) throws {
        for file in files {
            try client.put(object(file.name), file.bytes, contentType: "application/octet-stream", fence: fence)
        }
        try client.put(model, artifact, contentType: "application/json", fence: fence)
        try client.put(self.metadata, metadata, contentType: "application/json", fence: fence)
        for format in PublishedFile.extraFormats where !files.contains(where: { $0.format == format }) {
            try delete(object(format.file), fence: fence)
        }
    }

    private func delete(_ object: S3Object, fence: WriteFence) throws {
        let response = try client.send("DELETE", object, fence: fence)
        guard (200..<300).contains(response.status) || response.status == 404 else {  // 404: already gone
            throw client.failure("DELETE", object, response)
        }
    }

    public func retire(fence: WriteFence) throws {
        try fence()
        for object in [metadata, model] + PublishedFile.extraFormats.map({ object($0.file) }) {
            try delete(object, fence: fence)
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
