import Foundation
import Testing
import SluiceController
import TestSupport

/// A fresh bucket on the tests' SeaweedFS server (``S3Server``), read and written with
/// Sluice's own signed requests, the way a person would with the AWS CLI.
struct S3Bucket {
    let server: S3Server
    let name: String
    let client: S3Client

    /// A new bucket with a unique name.
    init() throws {
        server = try S3Server.shared.get()
        name = "t-" + UUID().uuidString.lowercased().prefix(18)
        let environment = server.environment
        client = S3Client(http: HTTPClient(timeout: 10, attempts: 8, backoff: 0.2), settings: { S3Settings(environment: environment) })
        let response = try client.send("PUT", S3Object(bucket: name, key: ""))
        guard (200..<300).contains(response.status) else { throw S3Error("create bucket \(name): HTTP \(response.status) \(response.snippet)") }
    }

    /// The environment `sluice` needs to reach the bucket, and `changes` on top.
    func environment(_ changes: [String: String] = [:]) -> [String: String] {
        server.environment.merging(changes) { $1 }
    }

    /// `s3://BUCKET/KEY`.
    func url(_ key: String) -> String { "s3://\(name)/\(key)" }

    func put(_ key: String, _ bytes: [UInt8]) throws {
        let response = try client.send("PUT", S3Object(bucket: name, key: key), body: bytes)
        guard (200..<300).contains(response.status) else { throw client.failure("PUT", S3Object(bucket: name, key: key), response) }
    }

    /// The object's bytes, `nil` when there is none.
    func get(_ key: String) throws -> [UInt8]? {
        let response = try client.send("GET", S3Object(bucket: name, key: key))
        if response.status == 404 { return nil }
        guard (200..<300).contains(response.status) else { throw client.failure("GET", S3Object(bucket: name, key: key), response) }
        return response.body
    }

    func delete(_ key: String) throws {
        let response = try client.send("DELETE", S3Object(bucket: name, key: key))
        guard (200..<300).contains(response.status) else { throw client.failure("DELETE", S3Object(bucket: name, key: key), response) }
    }
}
