import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Signed S3 requests over ``HTTPClient`` (URLSession; retries with backoff for network errors,
/// 5xx and 429; redirects never followed). The settings are read from the environment at each
/// request (``S3Settings``), and the request is signed right before it is sent.
public struct S3Client: Sendable {
    public let http: HTTPClient
    let settings: @Sendable () -> S3Settings
    let now: @Sendable () -> Date

    /// The client the targets use by default: the process's environment, the wall clock.
    public static let shared = S3Client()

    public init(http: HTTPClient = .shared, settings: @escaping @Sendable () -> S3Settings = { .current() },
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.http = http
        self.settings = settings
        self.now = now
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
        let endpoint = settings().endpoint.map { "\($0.variable)=\($0.url)" }
        return S3Error("\(method) \(object): " + S3Error.answer(status: response.status, body: response.body, endpoint: endpoint))
    }
}
