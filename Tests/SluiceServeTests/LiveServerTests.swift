import Foundation
import Hummingbird
import Logging
import Prometheus
import Synchronization
import Testing
import SluiceCore
import SluiceHTTP
import SluiceLearn
@testable import SluiceServe
import TestSupport
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The server on a real loopback socket, with the repository watching its directory.
@Suite struct LiveServerTests {
    /// A running server; `stop()` shuts it down gracefully.
    final class Live: Sendable {
        let directory: String
        let repository: ModelRepository
        let port: Int
        private let task: Task<Void, any Error>

        init(directory: String) async throws {
            self.directory = directory
            var logger = Logger(label: "test.live")
            logger.logLevel = .critical
            repository = ModelRepository(root: directory, logger: logger)
            repository.start(pollInterval: 1)
            let server = InferenceServer(repository: repository, options: .init(), registry: PrometheusCollectorRegistry())
            let bound = AsyncStream<Int>.makeStream()
            let app = Application(router: server.router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                                  onServerRunning: { bound.continuation.yield($0.localAddress?.port ?? 0) }, logger: logger)
            task = Task(executorPreference: DedicatedExecutor.shared) { try await app.runService(gracefulShutdownSignals: []) }
            var iterator = bound.stream.makeAsyncIterator()
            port = await iterator.next() ?? 0
        }

        func stop() async {
            task.cancel()
            _ = await task.result
            repository.stop()
        }

        func post(_ path: String, _ body: [UInt8], session: URLSession = .shared) async throws -> (Int, JSON, [AnyHashable: Any]) {
            var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
            request.httpMethod = "POST"
            request.httpBody = Data(body)
            request.timeoutInterval = 10
            let (data, response) = try await session.data(for: request)
            let http = response as! HTTPURLResponse
            return (http.statusCode, (try? JSONParser.parse([UInt8](data)).value) ?? .null, http.allHeaderFields)
        }
    }

    static let row: [Double] = [6.0, 2.7, 5.1, 1.6]
    static var body: [UInt8] {
        JSON.object(["inputs": [["name": "input-0", "shape": [1, 4], "datatype": "FP64", "data": .numbers(row)]]]).canonicalBytes()
    }

    @Test func overARealSocket() async throws {
        try await withTaskExecutorPreference(DedicatedExecutor.shared) { try await realSocket() }
    }

    func realSocket() async throws {
        let dir = ServeFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try ServeFixtures.publish(ServeFixtures.iris, name: "iris", version: "v1", in: "\(dir)/iris")
        let live = try await Live(directory: dir)
        let (status, json, headers) = try await live.post("/v2/models/iris/infer", Self.body)
        #expect(status == 200)
        #expect(json["outputs"]?[1]?["data"] == .numbers(ServeFixtures.iris.predict(encodedRow: Self.row)))
        #expect(headers["Content-Type"] as? String == "application/json")
        #expect(headers["Content-Length"] != nil)

        // No Content-Type at all (as tritonclient sends it), and a binary body.
        let raw = Binary.bytes(Self.row.map(Float.init))
        let (binaryBody, binaryHeaders) = Binary.request(["inputs": [["name": "input-0", "shape": [1, 4], "datatype": "FP32",
                                                                      "parameters": ["binary_data_size": .number(Double(raw.count))]]]], raw)
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(live.port)/v2/models/iris/infer")!)
        request.httpMethod = "POST"
        request.httpBody = Data(binaryBody)
        for field in binaryHeaders { request.setValue(field.value, forHTTPHeaderField: field.name.rawName) }
        let (data, response) = try await URLSession.shared.data(for: request)
        #expect((response as! HTTPURLResponse).statusCode == 200, "\(String(decoding: data, as: UTF8.self))")
        await live.stop()
    }

    /// Requests keep succeeding while the model is replaced over and over, and every answer
    /// comes whole from the version it names.
    @Test func hotReloadUnderLoad() async throws {
        try await withTaskExecutorPreference(DedicatedExecutor.shared) { try await reloadUnderLoad() }
    }

    func reloadUnderLoad() async throws {
        let dir = ServeFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try ServeFixtures.publish(ServeFixtures.iris, name: "iris", version: "v1", in: "\(dir)/iris")
        let live = try await Live(directory: dir)
        let expected: [String: JSON] = [
            "v1": .numbers(ServeFixtures.iris.predict(encodedRow: Self.row)),
            "v2": .numbers(ServeFixtures.iris2.predict(encodedRow: Self.row)),
        ]
        #expect(expected["v1"] != expected["v2"], "the two versions must answer differently for the check to mean anything")

        // Twelve replacements, 150 ms apart; the clients send requests until the last one is
        // in (however long a busy machine makes that take), then a little longer.
        let replacements = 12
        let done = Flag()
        let publisher = Task(executorPreference: DedicatedExecutor.shared) {
            for n in 1...replacements {
                try await Task.sleep(for: .milliseconds(150))
                try ServeFixtures.publish(n % 2 == 0 ? ServeFixtures.iris : ServeFixtures.iris2, name: "iris",
                                          version: n % 2 == 0 ? "v1" : "v2", in: "\(dir)/iris", durable: false)
            }
            try await Task.sleep(for: .milliseconds(300))
            done.set()
        }
        let results = try await withThrowingTaskGroup(of: [String: Int].self) { group in
            for _ in 0..<8 {
                group.addTask {
                    var seen: [String: Int] = [:]
                    while !done.isSet {
                        let (status, json, _) = try await live.post("/v2/models/iris/infer", Self.body)
                        guard status == 200, let version = json["model_version"]?.stringValue else {
                            seen["failed \(status)", default: 0] += 1
                            continue
                        }
                        seen[json["outputs"]?[1]?["data"] == expected[version] ? version : "mixed \(version)", default: 0] += 1
                    }
                    return seen
                }
            }
            var all: [String: Int] = [:]
            for try await part in group { all.merge(part, uniquingKeysWith: +) }
            return all
        }
        try await publisher.value
        await live.stop()
        #expect(Set(results.keys) == ["v1", "v2"], "only whole answers from either version, no failure: \(results)")
        #expect((results["v1"] ?? 0) + (results["v2"] ?? 0) > 50, "\(results)")
    }
}

/// A flag raised once, read from any thread.
final class Flag: Sendable {
    private let value = Atomic<Bool>(false)
    func set() { value.store(true, ordering: .releasing) }
    var isSet: Bool { value.load(ordering: .acquiring) }
}
