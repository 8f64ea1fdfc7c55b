import Foundation
import Logging
import Prometheus
import Testing
import SluiceController
import SluiceCore
import SluiceHTTP
import SluiceTesting

/// `GET /ui/models/{name}` through the controller endpoint's router: a model's name travels
/// percent-encoded in one path segment (a `/` in it as `%2F`), and its page shows it escaped.
@Suite struct UIModelRouteTests {
    static func client(store: InMemoryStore) throws -> InProcessClient {
        let repository = try ScratchRepository()
        let registry = PrometheusCollectorRegistry()
        var options = Controller.Options()
        options.concurrency = 1
        let controller = Controller(options: options, source: DirectorySource(root: repository.root, manifests: "manifests"), store: store,
                                    root: repository.root, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }),
                                    metrics: ControllerMetrics(factory: PrometheusMetricsFactory(registry: registry)), clock: FixedClock())
        return InProcessClient(router: ControllerEndpoint.router(controller: controller, registry: registry))
    }

    @Test func aHostileNameIsReachedThroughItsPercentEncodedSegmentAndShownEscaped() async throws {
        let store = InMemoryStore()
        let name = "a<b\"c/d"
        try store.recordVersion(VersionRecord(
            model: name, id: SHA256.hex(of: "v1"), artifactDigest: "x", inputs: .object([:]), manifestDigest: "m", manifestFile: "manifests/x.json",
            dataDigest: "d", testDigest: nil, metrics: ["accuracy": 0.9], evaluation: .object([:]), trainSeconds: 0,
            trainedAt: Date(timeIntervalSince1970: 1_767_225_600), revision: nil))
        let client = try Self.client(store: store)
        let page = try await client.get("/ui/models/a%3Cb%22c%2Fd")
        #expect(page.status == 200, "\(page.text)")
        #expect(page.text.contains("<h1>a&lt;b&quot;c/d</h1>"))
        #expect(page.text.contains("<tr data-version=\"\(SHA256.hex(of: "v1"))\">"))
        #expect(!page.text.contains("a<b"))
        let missing = try await client.get("/ui/models/%3Cscript%3E")
        #expect(missing.status == 404)
        #expect(missing.text.contains("Neither the store nor the manifests know a model named <code>&lt;script&gt;</code>"))
    }
}
