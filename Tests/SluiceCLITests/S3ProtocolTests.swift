import Foundation
import Testing
import SluiceCore
import SluiceController
import SluiceReconcile
import Synchronization

/// What goes over the wire to S3, seen by a loopback HTTP server standing in for it: the order
/// of a publication's requests, the signing, and the retries of a failing server.
@Suite struct S3ProtocolTests {
    static let environment = ["AWS_ACCESS_KEY_ID": "AKIATESTKEY", "AWS_SECRET_ACCESS_KEY": "TESTSECRETVALUE", "AWS_REGION": "eu-west-1"]

    func target(_ server: LoopbackServer, url: String = "s3://bucket/models/iris") throws -> S3Target {
        let environment = Self.environment.merging(["AWS_ENDPOINT_URL_S3": server.base]) { $1 }
        let client = S3Client(http: HTTPClient(timeout: 5, attempts: 3, backoff: 0.05), settings: { S3Settings(environment: environment) },
                              digests: S3Digests())
        return try S3Target(url: url, client: client)
    }

    @Test func aPublicationPutsTheModelFirstAndTheMetadataLastEachFencedAndSigned() async throws {
        let server = try await LoopbackServer { _ in .init(status: 200) }
        let fences = FenceCount()
        try target(server, url: "s3://bucket/models/iris/").publish(artifact: Array("{}".utf8), metadata: Array("{}".utf8), files: [], fence: { fences.add() })
        let requests = server.requests
        #expect(requests.map { "\($0.method) \($0.path)" } == ["PUT /bucket/models/iris/model.json", "PUT /bucket/models/iris/metadata.json",
                                                             "DELETE /bucket/models/iris/model.onnx"], "a format no longer published goes last")
        #expect(fences.count == 3, "the fence is checked before each write")
        for r in requests where r.method == "PUT" {
            #expect(r.authorization?.hasPrefix("AWS4-HMAC-SHA256 Credential=AKIATESTKEY/") == true)
            #expect(r.authorization?.contains("/eu-west-1/s3/aws4_request, SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date, Signature=") == true)
        }
        await server.stop()
    }

    @Test func anONNXFileIsPutFirstAndTheMetadataLast() async throws {
        let server = try await LoopbackServer { _ in .init(status: 200) }
        let onnx = PublishedFile(format: .onnx, bytes: [8, 10])
        try target(server).publish(artifact: Array("{}".utf8), metadata: Array("{}".utf8), files: [onnx], fence: {})
        #expect(server.requests.map { "\($0.method) \($0.path)" } == ["PUT /bucket/models/iris/model.onnx", "PUT /bucket/models/iris/model.json",
                                                                    "PUT /bucket/models/iris/metadata.json"])
        await server.stop()
    }

    @Test func aFenceThatRefusesStopsThePublicationBeforeAnyWrite() async throws {
        let server = try await LoopbackServer { _ in .init(status: 200) }
        #expect(throws: TargetError.self) {
            try target(server).publish(artifact: [], metadata: [], files: [], fence: { throw TargetError("lease lost") })
        }
        #expect(server.requests.isEmpty)
        await server.stop()
    }

    @Test func retiringDeletesTheMetadataFirstAndAMissingObjectIsAlreadyGone() async throws {
        let server = try await LoopbackServer { r in .init(status: r.path.hasSuffix("model.json") ? 404 : 204) }
        try target(server).retire(fence: {})
        #expect(server.requests.map { "\($0.method) \($0.path)" } == ["DELETE /bucket/models/iris/metadata.json", "DELETE /bucket/models/iris/model.json",
                                                                    "DELETE /bucket/models/iris/model.onnx"])
        await server.stop()
    }

    @Test func aServerErrorIsRetriedThenReportedWithS3sCode() async throws {
        let body = Array("<?xml version=\"1.0\"?><Error><Code>InternalError</Code><Message>We encountered an internal error. Please try again.</Message></Error>".utf8)
        let server = try await LoopbackServer { _ in .init(status: 500, headers: ["Content-Type": "application/xml"], body: body) }
        let error = #expect(throws: (any Error).self) { try target(server).publish(artifact: [], metadata: [], files: [], fence: {}) }
        #expect("\(error!)".contains("PUT s3://bucket/models/iris/model.json: HTTP 500 InternalError: We encountered an internal error. Please try again."), "\(error!)")
        #expect(server.requests.count == 3, "three attempts")
        await server.stop()
    }

    @Test func aRefusalIsNotRetriedAndSaysWhichVariablesToCheck() async throws {
        let body = Array("<Error><Code>InvalidAccessKeyId</Code><Message>The AWS Access Key Id you provided does not exist in our records.</Message></Error>".utf8)
        let server = try await LoopbackServer { _ in .init(status: 403, body: body) }
        let error = #expect(throws: S3Error.self) { try target(server).publish(artifact: [], metadata: [], files: [], fence: {}) }
        #expect(error?.message == "PUT s3://bucket/models/iris/model.json: HTTP 403 InvalidAccessKeyId: The AWS Access Key Id you provided does not exist in our records.; check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY")
        #expect(server.requests.count == 1, "a 403 is an answer, not a transient failure")
        await server.stop()
    }

    @Test func observingNamesWhatIsMissingOrChanged() async throws {
        let artifact = Array("{\"a\": 1}".utf8)
        let digest = SHA256.hex(of: artifact)
        let expected = ExpectedContent(model: "iris", version: "v1", artifactDigest: digest)
        let noSuchKey = Array("<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>".utf8)
        let metadata = Array(#"{"model": "iris", "version": "v1", "artifact": {"sha256": "\#(digest)"}}"#.utf8)

        let missing = try await LoopbackServer { _ in .init(status: 404, body: noSuchKey) }
        #expect(try target(missing).observe(expected) == .drifted("s3://bucket/models/iris/model.json is missing"))
        await missing.stop()

        let changed = try await LoopbackServer { _ in .init(status: 200, body: Array("{}".utf8)) }
        guard case .drifted(let why) = try target(changed).observe(expected) else { Issue.record("no drift"); return }
        #expect(why.hasPrefix("s3://bucket/models/iris/model.json was changed"))
        await changed.stop()

        let matching = try await LoopbackServer { r in
            r.path.hasSuffix("model.onnx") ? .init(status: 404, body: noSuchKey) : .init(status: 200, body: r.path.hasSuffix("model.json") ? artifact : metadata)
        }
        #expect(try target(matching).observe(expected) == .matches)
        await matching.stop()

        let noMetadata = try await LoopbackServer { r in r.path.hasSuffix("model.json") ? .init(status: 200, body: artifact) : .init(status: 404, body: noSuchKey) }
        #expect(try target(noMetadata).observe(expected) == .drifted("s3://bucket/models/iris/metadata.json is missing"))
        await noMetadata.stop()
    }

    /// A published model is not downloaded again at each observation: its digest is kept by
    /// ETag, and S3 answers 304 while it is unchanged; a changed object is read and hashed.
    @Test func anUnchangedModelIsRevalidatedByETagNotDownloaded() async throws {
        let artifact = Array("{\"a\": 1}".utf8)
        let digest = SHA256.hex(of: artifact)
        let metadata = Array(#"{"model": "iris", "version": "v1", "artifact": {"sha256": "\#(digest)"}}"#.utf8)
        let stored = Mutex((body: artifact, etag: "\"e1\""))
        let server = try await LoopbackServer { r in
            let (body, etag) = stored.withLock { ($0.body, $0.etag) }
            if r.method == "PUT" || r.method == "DELETE" { return .init(status: 200, headers: ["ETag": etag]) }
            if r.path.hasSuffix("model.onnx") { return .init(status: 404, body: Array("<Error><Code>NoSuchKey</Code></Error>".utf8)) }
            guard r.path.hasSuffix("model.json") else { return .init(status: 200, body: metadata) }
            if r.ifNoneMatch == etag { return .init(status: 304, headers: ["ETag": etag]) }
            return .init(status: 200, headers: ["ETag": etag], body: body)
        }
        let target = try target(server)
        let expected = ExpectedContent(model: "iris", version: "v1", artifactDigest: digest)
        try target.publish(artifact: artifact, metadata: metadata, files: [], fence: {})
        #expect(try target.observe(expected) == .matches)
        #expect(try target.observe(expected) == .matches)
        let gets = server.requests.filter { $0.method == "GET" && $0.path.hasSuffix("model.json") }
        #expect(gets.map(\.ifNoneMatch) == ["\"e1\"", "\"e1\""], "the ETag of the PUT is used from the first observation on")

        stored.withLock { $0 = (Array("{}".utf8), "\"e2\"") }  // replaced behind Sluice's back
        guard case .drifted(let why) = try target.observe(expected) else { Issue.record("no drift"); return }
        #expect(why.hasPrefix("s3://bucket/models/iris/model.json was changed"))
        await server.stop()
    }

    @Test func aDatasetFromAFailingServerFailsItsModelWithTheStatusAfterRetries() async throws {
        let body = Array("<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>".utf8)
        let server = try await LoopbackServer { _ in .init(status: 503, body: body) }
        let s = try Sandbox()
        try s.write("manifests/remote.json", s.manifest(name: "remote", source: "s3://bucket/data/iris.csv"))
        let environment = Self.environment.merging(["AWS_ENDPOINT_URL": server.base]) { $1 }
        let apply = try s.run(["apply"], environment: environment)
        #expect(apply.status == 1, "\(apply.output)")
        #expect(apply.output.contains("cannot fetch s3://bucket/data/iris.csv: HTTP 503 SlowDown: Please reduce your request rate."), "\(apply.output)")
        #expect(!apply.output.contains("TESTSECRETVALUE"))
        #expect(s.exists("deploy/iris/model.json"), "the other model is published")
        #expect(server.requests.count == 3)
        #expect(server.requests.allSatisfy { $0.path == "/bucket/data/iris.csv" && $0.authorization?.hasPrefix("AWS4-HMAC-SHA256 ") == true })
        await server.stop()
    }
}

/// Counts the fence's calls.
final class FenceCount: Sendable {
    private let value = Mutex(0)
    func add() { value.withLock { $0 += 1 } }
    var count: Int { value.withLock { $0 } }
}
