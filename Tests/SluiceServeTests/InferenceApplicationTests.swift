import Foundation
import Logging
import ServiceLifecycle
import Testing
import SluiceHTTP
import TestSupport
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `InferenceServer.application(…)`, the application `sluice serve` runs, on a real loopback
/// socket in a `ServiceGroup`: it serves, and its graceful shutdown marks the server as stopping
/// and returns.
@Suite(.timeLimit(.minutes(1))) struct InferenceApplicationTests {
    @Test func servesAndStopsOnGracefulShutdown() async throws {
        let s = try Served()
        defer { s.remove() }
        let (bound, listening) = AsyncStream<Int>.makeStream()
        let quiet = Logger(label: "test.application") { _ in SwiftLogNoOpLogHandler() }
        let application = s.server.application(host: "127.0.0.1", port: 0, logger: quiet) { port in listening.yield(port) }
        let group = ServiceGroup(configuration: .init(services: [application], logger: quiet))
        let running = Task(executorPreference: DedicatedExecutor.shared) { try await group.run() }
        var ports = bound.makeAsyncIterator()
        let port = try #require(await ports.next())

        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/v2")!)
        request.timeoutInterval = 10
        let (data, response) = try await URLSession.shared.data(for: request)
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        #expect((response as? HTTPURLResponse)?.value(forHTTPHeaderField: "Server") == "sluice")
        #expect(String(decoding: data, as: UTF8.self).contains("\"name\":\"sluice\""))
        #expect(try await s.client.get("/v2/health/ready").status == 200)

        await group.triggerGracefulShutdown()
        try await running.value
        #expect(try await s.client.get("/v2/health/ready").status == 503, "marked as stopping")
    }
}
