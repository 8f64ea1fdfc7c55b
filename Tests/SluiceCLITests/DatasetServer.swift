import Foundation
import Hummingbird
import Logging
import NIOCore
import Synchronization
import TestSupport

/// A loopback HTTP server for one dataset, with an ETag, counting what it answers: the upstream
/// of a manifest whose `spec.dataset.source` is a URL.
final class DatasetServer: Sendable {
    /// What the server answers and what it has answered, shared with its handler.
    final class Shared: Sendable {
        let value = Mutex(State())
        func withLock<T>(_ body: (inout State) -> T) -> T { value.withLock { body(&$0) } }
    }
    struct State {
        var body = ""
        var etag = "\"v1\""
        var failWith: Int?
        var full = 0
        var notModified = 0
    }
    let state = Shared()
    private let task = Mutex<Task<Void, any Error>?>(nil)
    let port: Int

    init(body: String) async throws {
        state.withLock { $0.body = body }
        let router = Router()
        let state = self.state
        router.get("data.csv") { request, _ -> Response in
            let s = state.withLock { $0 }
            if let status = s.failWith {
                return Response(status: .init(code: status), body: .init(byteBuffer: ByteBuffer(string: "upstream is down")))
            }
            if request.headers[.ifNoneMatch] == s.etag {
                state.withLock { $0.notModified += 1 }
                return Response(status: .notModified, headers: [.eTag: s.etag])
            }
            state.withLock { $0.full += 1 }
            return Response(status: .ok, headers: [.eTag: s.etag, .contentType: "text/csv"], body: .init(byteBuffer: ByteBuffer(string: s.body)))
        }
        var logger = Logger(label: "test.dataset-server")
        logger.logLevel = .critical
        let bound = AsyncStream<Int>.makeStream()
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { channel in bound.continuation.yield(channel.localAddress?.port ?? 0) }, logger: logger)
        task.withLock { $0 = Task(executorPreference: DedicatedExecutor.shared) { try await app.runService(gracefulShutdownSignals: []) } }
        var iterator = bound.stream.makeAsyncIterator()
        port = await iterator.next() ?? 0
    }

    var url: String { "http://127.0.0.1:\(port)/data.csv" }

    /// Stops the server gracefully and waits for it.
    func stop() async {
        let t = task.withLock { $0 }
        t?.cancel()
        _ = await t?.result
    }
}
