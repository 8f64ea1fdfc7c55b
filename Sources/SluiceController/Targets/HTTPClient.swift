import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Synchronization
import SluiceCore

/// A small synchronous HTTP client over URLSession, for the deploy targets: timeouts, and
/// retries with exponential backoff for what may pass (network errors, 5xx, 429).
public final class HTTPClient: Sendable {
    public struct Response: Sendable {
        public var status: Int
        public var body: [UInt8]
        /// The `Location` header of a redirect (which is never followed).
        public var location: String?
        /// The `ETag` header, if any.
        public var etag: String? = nil
        /// The body for messages: one printable line of at most 160 characters (an HTML error
        /// page's title, not its markup; no control characters) — ``FetchMessages/excerpt(_:contentType:)``.
        public var snippet: String {
            let text = FetchMessages.excerpt(Array(body.prefix(16 << 10)), contentType: nil)
            return text.isEmpty ? "(empty body)" : text
        }
    }

    /// The client the targets use by default: 30 s timeouts, 3 attempts.
    public static let shared = HTTPClient()

    public let timeout: Double
    public let attempts: Int
    /// Seconds before the second attempt; doubled before each next one.
    public let backoff: Double
    private let session: URLSession

    public init(timeout: Double = 30, attempts: Int = 3, backoff: Double = 0.5) {
        self.timeout = timeout
        self.attempts = attempts
        self.backoff = backoff
        let configuration = URLSessionConfiguration.ephemeral
        configuration.urlCache = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.timeoutIntervalForRequest = timeout
        configuration.httpAdditionalHeaders = ["User-Agent": "sluice/\(sluiceVersion)"]
        session = URLSession(configuration: configuration)
    }

    /// Sends `request`, retrying transient failures up to `attempts` times in all. Redirects
    /// are not followed: a 3xx is the answer.
    /// - Parameter before: called before each attempt (a write fence); its error stops the sending.
    /// - Throws: ``TargetError`` naming the request and the last failure, when no attempt got an answer.
    public func send(_ request: URLRequest, attempts: Int, describe: String, before: () throws -> Void = {}) throws -> Response {
        var wait = backoff
        var last = ""
        for attempt in 1...max(attempts, 1) {
            try before()
            switch once(request) {
            case .success(let response) where (response.status >= 500 || response.status == 429) && attempt < attempts:
                last = "HTTP \(response.status): \(response.snippet)"
            case .success(let response):
                return response
            case .failure(let error):
                last = error.message
                if attempt == attempts { break }
            }
            if attempt < attempts {
                Thread.sleep(forTimeInterval: wait)
                wait *= 2
            }
        }
        throw TargetError("\(describe): \(last)\(attempts > 1 ? " (after \(attempts) attempts)" : "")")
    }

    private func once(_ request: URLRequest) -> Result<Response, TargetError> {
        let done = DispatchSemaphore(value: 0)
        let box = Mutex<Result<Response, TargetError>?>(nil)
        let task = session.dataTask(with: request) { data, response, error in
            let result: Result<Response, TargetError>
            if let error {
                result = .failure(TargetError(FetchMessages.reason(error)))
            } else if let http = response as? HTTPURLResponse {
                result = .success(Response(status: http.statusCode, body: data.map { [UInt8]($0) } ?? [],
                                           location: http.value(forHTTPHeaderField: "Location").map(Redaction.text),
                                           etag: http.value(forHTTPHeaderField: "ETag")))
            } else {
                result = .failure(TargetError("no HTTP response"))
            }
            box.withLock { $0 = result }
            done.signal()
        }
        task.delegate = RedirectPolicy.refuse.delegate
        task.resume()
        done.wait()
        return box.withLock { $0! }
    }
}
