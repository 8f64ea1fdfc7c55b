import HTTPTypes
import Testing
@testable import SluiceHTTP

/// DNS rebinding: a server on the loopback answers its web UI and `POST /reconcile` only to
/// requests addressed to the loopback, whatever `Origin` says (after rebinding, another site's
/// page is same-origin with it).
@Suite struct LoopbackHostTests {
    typealias Endpoint = ControllerEndpointTests.Endpoint

    @Test(arguments: ["/ui", "/ui/plan", "/ui/models/iris", "//ui", "//ui/models/iris", "/ui//plan", "/ui/"])
    func aPageAskedForByAnotherNameIs421(path: String) async throws {
        let e = try Endpoint(loopback: true)
        let r = try await e.client.request(.get, path, authority: "rebound.evil.example:8088")
        #expect(r.status == 421, "\(r.text)")
        #expect(r.text.contains("not to rebound.evil.example:8088"), "\(r.text)")
        #expect(!r.text.contains("iris"), "nothing of the store is shown")
    }

    @Test func theFormAndPostReconcileFromARebindingPageStartNothing() async throws {
        let e = try Endpoint(loopback: true)
        // Same-origin as far as the browser knows: Origin and Host agree.
        let headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded", .origin: "http://rebound.evil.example:8088",
                                   HTTPField.Name("Sec-Fetch-Site")!: "same-origin"]
        let form = try await e.client.request(.post, "/ui/reconcile", headers: headers, body: Array("back=%2Fui".utf8),
                                              authority: "rebound.evil.example:8088")
        #expect(form.status == 421)
        for path in ["/reconcile", "//reconcile", "/reconcile/", "//ui/reconcile"] {
            let post = try await e.client.request(.post, path, headers: headers, authority: "rebound.evil.example:8088")
            #expect(post.status == 421, "\(path)")
        }
        #expect(e.controller.pendingTrigger == nil)
    }

    @Test(arguments: ["localhost", "localhost:8088", "127.0.0.1:8088", "127.1.2.3", "[::1]:8088", "LOCALHOST:80", "app.localhost:8088", "localhost."])
    func theLoopbackByAnyOfItsNamesIsServed(authority: String) async throws {
        let e = try Endpoint(loopback: true)
        let r = try await e.client.request(.get, "/ui", authority: authority)
        #expect(r.status == 200, "\(authority): \(r.text)")
    }

    @Test func probesAndMetricsAreNotChecked() async throws {
        let e = try Endpoint(loopback: true)
        let r = try await e.client.request(.get, "/healthz", authority: "sluice.default.svc:9095")
        #expect(r.status == 200)
    }

    @Test func aServerOnAnotherAddressIsReachedByAnyName() async throws {
        let e = try Endpoint(loopback: false)
        let r = try await e.client.request(.get, "/ui", authority: "sluice.default.svc:9095")
        #expect(r.status == 200)
    }

    @Test(arguments: [("127.0.0.1", true), ("::1", true), ("localhost", true), ("127.0.0.53", true),
                      ("0.0.0.0", false), ("::", false), ("10.0.0.7", false), ("127.0.0.1.evil.example", false), ("1270.0.0.1", false)])
    func whichListenAddressesAreLoopback(host: String, loopback: Bool) {
        #expect(LoopbackHost.isLoopback(host) == loopback, "\(host)")
    }
}
