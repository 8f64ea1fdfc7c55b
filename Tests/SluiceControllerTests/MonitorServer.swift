import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Synchronization
import TestSupport

/// A loopback HTTP server standing in for `sluice serve`'s monitor endpoints: it answers every
/// request with the answer it is given at the moment (or, for a path given its own answer, that
/// one), and records the paths it was asked for.
final class MonitorServer: Sendable {
    /// An answer: status and body.
    struct Answer: Sendable {
        var status: Int
        var body: [UInt8]
    }

    /// What the handler shares with the tests.
    private final class Shared: Sendable {
        let answer = Mutex(Answer(status: 503, body: Array("not yet".utf8)))
        /// Answers of their own, by path (without the query).
        let answers = Mutex<[String: Answer]>([:])
        let paths = Mutex<[String]>([])
        let authorizations = Mutex<[String?]>([])
    }
    private let shared = Shared()
    private let task = Mutex<Task<Void, any Error>?>(nil)
    let port: Int

    /// Starts the server on a free port of 127.0.0.1.
    init() async throws {
        let shared = self.shared
        let responder = CallbackResponder<BasicRequestContext> { request, _ in
            shared.paths.withLock { $0.append(request.uri.description) }
            shared.authorizations.withLock { $0.append(request.headers[.authorization]) }
            let a = shared.answers.withLock { $0[request.uri.path] } ?? shared.answer.withLock { $0 }
            var headers = HTTPFields()
            headers[.contentType] = "application/json"
            return Response(status: .init(code: a.status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: a.body)))
        }
        var logger = Logger(label: "test.monitor-server")
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

    /// Answers every request from now on with `status` and `body`.
    func answer(_ status: Int, _ body: [UInt8]) { shared.answer.withLock { $0 = Answer(status: status, body: body) } }

    /// Answers the requests for `path` (whatever their query) from now on with `status` and `body`.
    func answer(path: String, _ status: Int, _ body: [UInt8]) {
        shared.answers.withLock { $0[path] = Answer(status: status, body: body) }
    }

    /// The paths (with queries) requested so far.
    var requested: [String] { shared.paths.withLock { $0 } }

    /// The `Authorization` header of each request so far.
    var authorizations: [String?] { shared.authorizations.withLock { $0 } }

    /// Stops the server and waits for it.
    func stop() async {
        let t = task.withLock { $0 }
        t?.cancel()
        _ = await t?.result
    }
}
