import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Synchronization
import TestSupport

/// A loopback HTTP server answering every request through one closure and recording what it
/// received: a redirecting deploy server, the other host it redirects to, a git remote.
final class LoopbackServer: Sendable {
    /// One request as the server saw it.
    struct Received: Sendable {
        var method: String
        var path: String
        var authorization: String?
        /// The `If-None-Match` header (an S3 client re-validating an object).
        var ifNoneMatch: String? = nil
    }

    /// An answer: status, headers, body.
    struct Answer: Sendable {
        var status: Int
        var headers: [String: String] = [:]
        var body: [UInt8] = []
    }

    /// What was received, shared with the handler.
    private final class Log: Sendable {
        let value = Mutex<[Received]>([])
    }
    private let received = Log()
    private let task = Mutex<Task<Void, any Error>?>(nil)
    let port: Int

    /// Starts the server on a free port of 127.0.0.1.
    /// - Parameter answer: the answer to a request (method, path with query, `Authorization`).
    init(_ answer: @escaping @Sendable (Received) -> Answer) async throws {
        let received = self.received
        let responder = CallbackResponder<BasicRequestContext> { request, _ in
            let seen = Received(method: request.method.rawValue, path: request.uri.description,
                                authorization: request.headers[.authorization], ifNoneMatch: request.headers[.ifNoneMatch])
            received.value.withLock { $0.append(seen) }
            let a = answer(seen)
            var headers = HTTPFields()
            for (name, value) in a.headers {
                if let field = HTTPField.Name(name) { headers[field] = value }
            }
            return Response(status: .init(code: a.status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: a.body)))
        }
        var logger = Logger(label: "test.loopback-server")
        logger.logLevel = .critical
        let bound = AsyncStream<Int>.makeStream()
        let app = Application(responder: responder, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { channel in bound.continuation.yield(channel.localAddress?.port ?? 0) }, logger: logger)
        task.withLock { $0 = Task(executorPreference: DedicatedExecutor.shared) { try await app.runService(gracefulShutdownSignals: []) } }
        var iterator = bound.stream.makeAsyncIterator()
        port = await iterator.next() ?? 0
    }

    /// `http://127.0.0.1:PORT`.
    var base: String { "http://127.0.0.1:\(port)" }

    /// Every request received so far, in order.
    var requests: [Received] { received.value.withLock { $0 } }

    /// Stops the server gracefully and waits for it.
    func stop() async {
        let t = task.withLock { $0 }
        t?.cancel()
        _ = await t?.result
    }
}
