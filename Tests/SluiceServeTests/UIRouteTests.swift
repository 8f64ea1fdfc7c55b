import Foundation
import HTTPTypes
import Testing
import SluiceController
import SluiceHTTP

/// The web UI's routes on the controller's endpoint (`sluice run`), in process: the pages'
/// headers, HEAD, 404 and 405, and "Reconcile now" with its checks.
@Suite struct UIRouteTests {
    typealias Endpoint = ControllerEndpointTests.Endpoint

    static func form(_ text: String) -> [UInt8] { Array(text.utf8) }

    static let formType: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]

    @Test(arguments: ["/ui", "/ui/plan", "/ui/events", "/ui/models/iris", "/ui/events?model=iris&kind=trained&kind=published"])
    func pagesAreHTMLNeverCachedAndLoadNothingFromElsewhere(path: String) async throws {
        let e = try Endpoint()
        let r = try await e.client.get(path)
        #expect(r.status == 200, "\(r.text)")
        #expect(r.headers[.contentType] == "text/html; charset=utf-8")
        #expect(r.headers[.cacheControl] == "no-store")
        #expect(r.headers[.contentSecurityPolicy]?.hasPrefix("default-src 'none';") == true)
        #expect(r.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
        #expect(r.text.hasPrefix("<!DOCTYPE html>"))
        #expect(r.text.contains("<button type=\"submit\">Reconcile now</button>"))
        #expect(!r.text.contains("name=\"token\""), "no token asked without --token-env")
    }

    @Test(arguments: ["/ui", "/ui/plan", "/ui/events", "/ui/models/iris"])
    func headAnswersAsGetWithoutABody(path: String) async throws {
        let e = try Endpoint()
        let r = try await e.client.request(.head, path)
        #expect(r.status == 200)
        #expect(r.headers[.contentType] == "text/html; charset=utf-8")
        #expect(r.body.isEmpty)
    }

    @Test(arguments: [("/ui", HTTPRequest.Method.put, "GET, HEAD"), ("/ui/plan", .post, "GET, HEAD"), ("/ui/models/iris", .delete, "GET, HEAD"),
                      ("/ui/reconcile", .get, "POST")])
    func aWrongMethodIs405WithAllow(path: String, method: HTTPRequest.Method, allow: String) async throws {
        let e = try Endpoint()
        let r = try await e.client.request(method, path)
        #expect(r.status == 405)
        #expect(r.headers[.allow] == allow)
        #expect(e.controller.pendingTrigger == nil)
    }

    @Test(arguments: ["/ui/nothing", "/ui/models", "/ui/models/iris/versions", "/ui/plan/x"])
    func anUnknownPageIs404LinkingToTheModels(path: String) async throws {
        let e = try Endpoint()
        let r = try await e.client.get(path)
        #expect(r.status == 404)
        #expect(r.headers[.contentType] == "text/html; charset=utf-8")
        #expect(r.text.contains("There is no page at \(path)."))
        #expect(r.text.contains("<a href=\"/ui\">All models</a>"))
    }

    @Test(arguments: [("/ui/", "/ui"), ("/ui/plan/", "/ui/plan"), ("/ui/events/?model=iris", "/ui/events?model=iris")])
    func aTrailingSlashRedirectsToThePage(path: String, location: String) async throws {
        let e = try Endpoint()
        let r = try await e.client.get(path)
        #expect(r.status == 308)
        #expect(r.headers[.location] == location)
    }

    /// Percent-encoding that does not decode is dropped or shown as text, never a 500.
    @Test(arguments: ["/ui?sort=%ZZ&label=%", "/ui/events?model=%E0%A4%A&kind=%%", "/ui/plan?q=%FF%FE&action=%00", "/ui/models/%ZZ"])
    func badPercentEncodingIsNotAnError(path: String) async throws {
        let e = try Endpoint()
        let r = try await e.client.get(path)
        #expect(r.status == 200 || r.status == 404, "\(r.status): \(r.text)")
        #expect(r.headers[.contentType] == "text/html; charset=utf-8")
    }

    @Test func reconcileNowStartsACycleAndGoesBack() async throws {
        let e = try Endpoint()
        let r = try await e.client.request(.post, "/ui/reconcile", headers: Self.formType.merging(origin: "http://localhost"),
                                           body: Self.form("back=%2Fui%2Fplan%3Fchanges%3D1%26reconciled%3D1"))
        #expect(r.status == 303)
        #expect(r.headers[.location] == "/ui/plan?changes=1&reconciled=1", "back to the page, once with the notice")
        #expect(e.controller.pendingTrigger == "Reconcile now (web UI)")
        let page = try await e.client.get(r.headers[.location]!)
        #expect(page.text.contains(#"<p class="notice" role="status">A cycle starts now.</p>"#))
    }

    @Test(arguments: ["https://evil.example/", "//evil.example/ui", "/ui/../reconcile", "/uix", "/ui\r\nSet-Cookie: a=b", "javascript:alert(1)"])
    func reconcileNowGoesBackOnlyToAPage(back: String) async throws {
        let e = try Endpoint()
        let body = "back=" + back.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        let r = try await e.client.request(.post, "/ui/reconcile", headers: Self.formType, body: Self.form(body))
        #expect(r.status == 303)
        #expect(r.headers[.location] == "/ui?reconciled=1")
    }

    @Test(arguments: [("https://evil.example", nil), ("null", nil), ("http://localhost:9095", nil), ("http://localhost", "cross-site"),
                      ("http://localhost", "same-site")] as [(String, String?)])
    func aFormFromAnotherSiteIsRefused(origin: String, fetchSite: String?) async throws {
        let e = try Endpoint()
        var headers = Self.formType.merging(origin: origin)
        if let fetchSite { headers[HTTPField.Name("Sec-Fetch-Site")!] = fetchSite }
        let r = try await e.client.request(.post, "/ui/reconcile", headers: headers, body: Self.form("back=%2Fui"))
        #expect(r.status == 403)
        #expect(r.text.contains("not from this server&#39;s own pages"))
        #expect(e.controller.pendingTrigger == nil, "no cycle")
    }

    @Test func aFormFromThisServersPageIsAccepted() async throws {
        let e = try Endpoint()
        var headers = Self.formType.merging(origin: "http://localhost")
        headers[HTTPField.Name("Sec-Fetch-Site")!] = "same-origin"
        let r = try await e.client.request(.post, "/ui/reconcile", headers: headers, body: Self.form("back=%2Fui"))
        #expect(r.status == 303)
        #expect(e.controller.pendingTrigger != nil)
    }

    @Test func withATokenTheFormAsksForItAndAWrongOneIsRefused() async throws {
        let e = try Endpoint(token: "s3cret token")
        let page = try await e.client.get("/ui")
        #expect(page.text.contains(#"<input type="password" name="token""#))
        for body in ["back=%2Fui", "back=%2Fui&token=wrong", "token=s3cret", "token=s3cret%20token%20"] {
            let r = try await e.client.request(.post, "/ui/reconcile", headers: Self.formType, body: Self.form(body))
            #expect(r.status == 401, "\(body)")
            #expect(r.text.contains("Wrong token"))
            #expect(e.controller.pendingTrigger == nil, "no cycle for \(body)")
        }
        let r = try await e.client.request(.post, "/ui/reconcile", headers: Self.formType, body: Self.form("token=s3cret+token&back=%2Fui%2Fevents"))
        #expect(r.status == 303)
        #expect(r.headers[.location] == "/ui/events?reconciled=1")
        #expect(e.controller.pendingTrigger == "Reconcile now (web UI)")
    }

    @Test func aFormTooLargeIsRefused() async throws {
        let e = try Endpoint()
        let r = try await e.client.request(.post, "/ui/reconcile", headers: Self.formType, body: Self.form("back=" + String(repeating: "a", count: 20_000)))
        #expect(r.status == 413)
        #expect(e.controller.pendingTrigger == nil)
    }

    /// `sluice run --token-env`: `POST /reconcile` needs the bearer token.
    @Test func postReconcileNeedsTheBearerTokenWhenOneIsSet() async throws {
        let e = try Endpoint(token: "s3cret")
        var r = try await e.client.request(.post, "/reconcile")
        #expect(r.status == 401)
        #expect(r.headers[.wwwAuthenticate] == #"Bearer realm="sluice""#)
        #expect(r.text == "POST /reconcile needs an Authorization: Bearer <token> header (this controller runs with --token-env)\n")
        for value in ["Bearer wrong", "Bearer s3cre", "Basic czNjcmV0", "Bearer s3cret2"] {
            r = try await e.client.request(.post, "/reconcile", headers: [.authorization: value])
            #expect(r.status == 401, "\(value)")
            #expect(r.headers[.wwwAuthenticate] != nil)
        }
        #expect(e.controller.pendingTrigger == nil)
        r = try await e.client.request(.post, "/reconcile", headers: [.authorization: "Bearer s3cret"])
        #expect(r.status == 202)
        #expect(e.controller.pendingTrigger == "POST /reconcile")
    }
}

extension HTTPFields {
    func merging(origin: String) -> HTTPFields {
        var fields = self
        fields[.origin] = origin
        return fields
    }
}
