import Foundation
import Synchronization
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif

extension Downloads {
    /// How one attempt ended.
    enum Outcome {
        case notModified
        /// The body, complete, in a temporary file of the cache directory.
        case downloaded(String, HTTPURLResponse)
        case failed(String, transient: Bool)
        /// The body is larger than the cap (`declared`: its `Content-Length`, when it gave one).
        case tooLarge(declared: Int64?)
        /// The deadline passed first.
        case deadlinePassed(received: Int64)
    }

    /// One GET, its body streamed to a temporary file (`.NAME.tmp-PID-RAND`, the name
    /// ``AtomicFile`` uses, so that a kill leaves nothing the start-up sweep does not know),
    /// stopped at the deadline or as soon as the body passes the size cap.
    final class Transfer: NSObject, URLSessionDataDelegate, @unchecked Sendable {
        // Mutable state is behind `state`; the rest is immutable.
        let request: URLRequest
        let staging: String
        let maxBytes: Int64
        let deadline: DispatchTime
        /// Describes an error answer (its status, first bytes and `Content-Type`) for the message.
        typealias Describe = @Sendable (_ status: Int, _ body: [UInt8], _ contentType: String?) -> String
        let describe: Describe
        private let done = DispatchSemaphore(value: 0)
        private let state = Mutex(State())

        /// The longest error body kept for the message.
        static let errorBodyLimit = 16 << 10

        private struct State {
            var fd: Int32 = -1
            var received: Int64 = 0
            var response: HTTPURLResponse?
            var errorBody: [UInt8] = []
            var abort: Outcome?
            var error: (any Error)?
        }

        init(request: URLRequest, directory: String, maxBytes: Int64, deadline: DispatchTime,
             describe: @escaping Describe = FetchMessages.httpError) {
            self.request = request
            self.describe = describe
            self.staging = "\(directory)/.download.tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
            self.maxBytes = maxBytes
            self.deadline = deadline
        }

        /// Runs the request to its end, the deadline or the cap.
        func run() -> Outcome {
            let configuration = URLSessionConfiguration.ephemeral
            configuration.urlCache = nil  // the cache is ours, keyed by URL, validated by ETag
            configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
            configuration.timeoutIntervalForRequest = request.timeoutInterval
            let queue = OperationQueue()
            queue.maxConcurrentOperationCount = 1
            let session = URLSession(configuration: configuration, delegate: self, delegateQueue: queue)
            let task = session.dataTask(with: request)
            task.resume()
            if done.wait(timeout: deadline) == .timedOut {
                state.withLock { s in if s.abort == nil { s.abort = .deadlinePassed(received: s.received) } }
                task.cancel()
                _ = done.wait(timeout: .now() + 5)
            }
            session.finishTasksAndInvalidate()
            return state.withLock { s in
                if s.fd >= 0 { close(s.fd); s.fd = -1 }
                let result = outcome(s)
                if case .downloaded = result {} else { unlink(staging) }
                return result
            }
        }

        private func outcome(_ s: State) -> Outcome {
            if let abort = s.abort { return abort }
            guard let http = s.response else { return .failed(s.error.map(FetchMessages.reason) ?? "no HTTP response", transient: true) }
            switch http.statusCode {
            case 200..<300 where s.error != nil: return .failed(FetchMessages.reason(s.error!), transient: true)
            case 304: return .notModified
            case 200..<300: return .downloaded(staging, http)
            default:
                let message = describe(http.statusCode, s.errorBody, http.value(forHTTPHeaderField: "Content-Type"))
                return .failed(message, transient: http.statusCode >= 500 || http.statusCode == 429)
            }
        }

        func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                        completionHandler: @escaping @Sendable (URLSession.ResponseDisposition) -> Void) {
            let go = state.withLock { s -> Bool in
                guard let http = response as? HTTPURLResponse else { return true }
                s.response = http
                guard (200..<300).contains(http.statusCode) else { return true }
                if http.expectedContentLength > maxBytes {
                    s.abort = .tooLarge(declared: http.expectedContentLength)
                    return false
                }
                s.fd = open(staging, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
                if s.fd < 0 {
                    s.abort = .failed("cannot write \(staging): \(String(cString: strerror(errno)))", transient: false)
                    return false
                }
                return true
            }
            completionHandler(go ? .allow : .cancel)
        }

        func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
            let stop = state.withLock { s -> Bool in
                guard s.abort == nil else { return true }
                guard let status = s.response?.statusCode, (200..<300).contains(status) else {
                    // An error page: its beginning is enough for the message.
                    s.errorBody += data.prefix(max(0, Self.errorBodyLimit - s.errorBody.count))
                    return s.errorBody.count >= Self.errorBodyLimit
                }
                s.received += Int64(data.count)
                if s.received > maxBytes {
                    s.abort = .tooLarge(declared: nil)
                    return true
                }
                guard s.fd >= 0 else { return true }
                let ok = data.withUnsafeBytes { raw -> Bool in
                    var offset = 0
                    while offset < raw.count {
                        let n = write(s.fd, raw.baseAddress! + offset, raw.count - offset)
                        if n < 0 {
                            if errno == EINTR { continue }
                            return false
                        }
                        offset += n
                    }
                    return true
                }
                if !ok {
                    s.abort = .failed("cannot write \(staging): \(String(cString: strerror(errno)))", transient: false)
                    return true
                }
                return false
            }
            if stop { dataTask.cancel() }
        }

        /// Redirects: same origin as they are, another origin without credentials, never
        /// `https` to `http` (``RedirectPolicy/withoutCrossOriginCredentials``).
        func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                        newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void) {
            completionHandler(RedirectPolicy.withoutCrossOriginCredentials.follow(request, from: task.originalRequest?.url))
        }

        func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
            state.withLock { s in
                if let error, s.abort == nil { s.error = error }
                if s.fd >= 0, s.abort == nil, error == nil, fsync(s.fd) != 0 {
                    s.abort = .failed("cannot fsync \(staging): \(String(cString: strerror(errno)))", transient: false)
                }
            }
            done.signal()
        }
    }
}
