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
        /// Set by ``stop()``: the streaming routes end their bodies.
        var stopping = false
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
        // The dataset at once the first time; re-validations (If-None-Match) take 4 s to answer 304.
        router.get("slow-revalidation.csv") { request, _ -> Response in
            let s = state.withLock { $0 }
            if request.headers[.ifNoneMatch] == s.etag {
                try await Task.sleep(for: .seconds(4))
                state.withLock { $0.notModified += 1 }
                return Response(status: .notModified, headers: [.eTag: s.etag])
            }
            state.withLock { $0.full += 1 }
            return Response(status: .ok, headers: [.eTag: s.etag, .contentType: "text/csv"], body: .init(byteBuffer: ByteBuffer(string: s.body)))
        }
        // Headers at once, then one byte every half second (a slow-drip upstream).
        router.get("drip.csv") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "text/csv"], body: ResponseBody(contentLength: 10_000) { writer in
                while !state.withLock({ $0.stopping }) {
                    try await writer.write(ByteBuffer(string: "a"))
                    try await Task.sleep(for: .milliseconds(500))
                }
                try await writer.finish(nil)
            })
        }
        // Declares 200 MiB and sends it, 64 KiB at a time, until the client goes away.
        router.get("big.csv") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "text/csv"], body: ResponseBody(contentLength: 200 << 20) { writer in
                var sent = 0
                while sent < 200 << 20, !state.withLock({ $0.stopping }) {
                    try await writer.write(ByteBuffer(repeating: UInt8(ascii: "1"), count: 64 << 10))
                    sent += 64 << 10
                }
                try await writer.finish(nil)
            })
        }
        // No Content-Length (chunked): 64 KiB chunks until the client goes away.
        router.get("endless.csv") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "text/csv"], body: ResponseBody { writer in
                var sent = 0
                while sent < 200 << 20, !state.withLock({ $0.stopping }) {
                    try await writer.write(ByteBuffer(repeating: UInt8(ascii: "1"), count: 64 << 10))
                    sent += 64 << 10
                }
                try await writer.finish(nil)
            })
        }
        // A 404 page as web servers make them: a title, styles, scripts, 40 KB of markup and a
        // terminal escape sequence.
        let errorPage = { @Sendable () -> Response in
            let page = "<!DOCTYPE html><html><head><style>body { color: red }</style><title>404 Not Found \u{1B}[31m(nginx)</title>"
                + "<script>var x = '<b>';</script></head><body>" + String(repeating: "<div class=\"pad\">padding</div>", count: 1500)
                + "</body></html>"
            return Response(status: .notFound, headers: [.contentType: "text/html"], body: .init(byteBuffer: ByteBuffer(string: page)))
        }
        router.get("missing.csv") { _, _ -> Response in errorPage() }
        // The same page for a deploy target's requests (an http target pointed at the wrong server).
        router.put("missing.csv") { _, _ -> Response in errorPage() }
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

    /// The URL of one of the server's routes (`drip.csv`, `big.csv`, `endless.csv`, `missing.csv`).
    func url(_ route: String) -> String { "http://127.0.0.1:\(port)/\(route)" }

    /// Stops the server gracefully and waits for it.
    func stop() async {
        state.withLock { $0.stopping = true }
        let t = task.withLock { $0 }
        t?.cancel()
        _ = await t?.result
    }
}
