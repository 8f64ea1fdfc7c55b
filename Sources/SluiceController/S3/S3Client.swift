import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import SluiceCore

/// Signed S3 requests over ``HTTPClient`` (URLSession; retries with backoff for network errors,
/// 5xx and 429; redirects never followed). The settings are read from the environment at each
/// request (``S3Settings``), and the request is signed right before it is sent.
public struct S3Client: Sendable {
    public let http: HTTPClient
    let settings: @Sendable () -> S3Settings
    let now: @Sendable () -> Date
    /// The digests of objects read before, by ETag (``sha256(of:)``).
    public let digests: S3Digests

    /// The client the targets use by default: the process's environment, the wall clock.
    public static let shared = S3Client()

    public init(http: HTTPClient = .shared, settings: @escaping @Sendable () -> S3Settings = { .current() },
                now: @escaping @Sendable () -> Date = { Date() }, digests: S3Digests = .shared) {
        self.http = http
        self.settings = settings
        self.now = now
        self.digests = digests
    }

    /// The SHA-256 of `object`'s content; `nil` when there is no such key (but a bucket).
    /// An object this process has hashed before is asked for with `If-None-Match`, and not
    /// downloaded again while it is unchanged (304).
    /// - Throws: ``S3Error`` for any other answer, naming the object and S3's error.
    public func sha256(of object: S3Object) throws -> String? {
        let key = try S3Address(object, settings: settings()).url.absoluteString
        let known = digests.entry(key)
        let response = try send("GET", object, headers: known.map { ["If-None-Match": $0.etag] } ?? [:])
        if response.status == 304, let known { return known.sha256 }
        if (200..<300).contains(response.status) {
            let digest = SHA256.hex(of: response.body)
            if let etag = response.etag { digests.remember(key, etag: etag, sha256: digest) } else { digests.forget(key) }
            return digest
        }
        digests.forget(key)
        if response.status == 404, S3Error.code(response.body) != "NoSuchBucket" { return nil }
        throw failure("GET", object, response)
    }

    /// Puts `bytes` as `object`, and remembers their digest by the ETag the server gives them.
    /// - Throws: ``S3Error`` for an answer other than 2xx.
    public func put(_ object: S3Object, _ bytes: [UInt8], contentType: String, fence: WriteFence = {}) throws {
        let key = try S3Address(object, settings: settings()).url.absoluteString
        digests.forget(key)
        let response = try send("PUT", object, body: bytes, headers: ["Content-Type": contentType], fence: fence)
        guard (200..<300).contains(response.status) else { throw failure("PUT", object, response) }
        if let etag = response.etag { digests.remember(key, etag: etag, sha256: SHA256.hex(of: bytes)) }
    }

    /// Sends one request for `object`.
    /// - Parameters:
    ///   - attempts: attempts for a transient failure; 1 for a check that should answer at once.
    ///   - fence: checked before each attempt (a write fence); its error stops the sending.
    /// - Throws: ``S3Error`` for missing credentials or a bad endpoint, ``TargetError`` when no
    ///   attempt got an answer. An answer, whatever its status, is returned.
    public func send(_ method: String, _ object: S3Object, body: [UInt8]? = nil, headers: [String: String] = [:],
                     attempts: Int? = nil, fence: WriteFence = {}) throws -> HTTPClient.Response {
        let settings = settings()
        let request = try S3Request.make(method, object, settings: settings, date: now(), body: body, headers: headers, timeout: http.timeout)
        return try http.send(request, attempts: attempts ?? http.attempts, describe: "\(method) \(object)", before: fence)
    }

    /// The message for an error answer to a request for `object` (``S3Error/answer(status:body:endpoint:)``).
    public func failure(_ method: String, _ object: S3Object, _ response: HTTPClient.Response) -> S3Error {
        let endpoint = settings().endpointDescription
        return S3Error("\(method) \(object): " + S3Error.answer(status: response.status, body: response.body, endpoint: endpoint))
    }
}
