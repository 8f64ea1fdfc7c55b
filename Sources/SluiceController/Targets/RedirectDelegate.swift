import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Applies a ``RedirectPolicy`` to one URLSession task.
final class RedirectDelegate: NSObject, URLSessionTaskDelegate, @unchecked Sendable {
    // Immutable after init.
    let policy: RedirectPolicy

    init(policy: RedirectPolicy) { self.policy = policy }

    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void) {
        completionHandler(policy.follow(request, from: task.originalRequest?.url))
    }
}
