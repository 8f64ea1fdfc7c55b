import Dispatch
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SluiceController
import SluiceUI

/// The web UI's routes (issue 16), on the controller's endpoint and on `sluice ui`'s:
///
/// - `GET /ui`, `/ui/models/{name}`, `/ui/plan`, `/ui/events`: the pages (``UI``), with
///   `Cache-Control: no-store` and a Content-Security-Policy that lets nothing load from elsewhere.
/// - `POST /ui/reconcile` (with a controller only): the "Reconcile now" form. It starts a cycle as
///   `POST /reconcile` does, after checking the form's token when one is required, and sends the
///   browser back to the page it came from (303).
public enum UIRoutes {
    /// The routes, for 405's `Allow` and 404's list.
    static func routes(reconcile: Bool) -> [(method: HTTPRequest.Method, path: String)] {
        [(.get, "/ui"), (.get, "/ui/plan"), (.get, "/ui/events"), (.get, "/ui/models/:name")] + (reconcile ? [(.post, "/ui/reconcile")] : [])
    }

    /// Adds the routes to `router`.
    /// - Parameters:
    ///   - ui: the pages.
    ///   - reconcile: starts a cycle and says so (`nil` when nothing serves `POST /reconcile`).
    ///   - token: the bearer token `POST /reconcile` needs, which the form asks for; `nil` for none.
    public static func add(to router: Router<BasicRequestContext>, ui: UI, reconcile: (@Sendable () -> String)?, token: String?) {
        router.get("ui") { request, _ in try await respond(request) { try ui.models($0) } }
        router.get("ui/plan") { request, _ in try await respond(request) { try ui.plan($0) } }
        router.get("ui/events") { request, _ in try await respond(request) { try ui.events($0) } }
        router.get("ui/models/:name") { request, context in
            let name = context.parameters.get("name").flatMap { $0.removingPercentEncoding } ?? ""
            return try await respond(request) { try ui.model(name, $0) }
        }
        if let reconcile {
            router.post("ui/reconcile") { request, _ -> Response in
                try await reconcileForm(request, reconcile: reconcile, token: token, plans: ui.context.plans)
            }
        }
    }

    /// A page, rendered away from the server's event loops (it reads the store, which blocks).
    static func respond(_ request: Request, _ render: @escaping @Sendable (UIQuery) throws -> UIPage) async throws -> Response {
        let query = UIQuery(parsing: request.uri.query ?? "")
        let page = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<UIPage, any Error>) in
            DispatchQueue.global().async { continuation.resume(with: Result { try render(query) }) }
        }
        return html(HTTPResponse.Status(code: page.status), page.html)
    }

    /// `POST /ui/reconcile`: `token` and `back` from the form.
    static func reconcileForm(_ request: Request, reconcile: @Sendable () -> String, token: String?, plans: PlanCache) async throws -> Response {
        // A form posted from another site's page is refused (a browser says where it came from).
        if let origin = request.headers[.origin], let host = request.head.authority, URL(string: origin)?.host.map({ h in
            URL(string: origin)?.port.map { "\(h):\($0)" } ?? h
        }) != host {
            return html(.forbidden, message("Refused", "The form was posted from another site (\(origin)); use Reconcile now on this server's own pages."))
        }
        let body = try await request.body.collect(upTo: 16_384)
        let form = UIQuery(parsing: String(buffer: body))
        if let token, !constantTimeEqual(form["token"] ?? "", token) {
            return html(.unauthorized, message("Wrong token", "The token is not the one this controller was started with (sluice run --token-env). Go back and enter it again."))
        }
        _ = reconcile()
        plans.invalidate()
        var back = form["back"] ?? "/ui"
        if !back.hasPrefix("/ui") || back.hasPrefix("//") { back = "/ui" }
        back += (back.contains("?") ? "&" : "?") + "reconciled=1"
        var headers = HTTPFields()
        headers[.location] = back
        headers[.cacheControl] = "no-store"
        return Response(status: .seeOther, headers: headers)
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        var diff = UInt8(x.count == y.count ? 0 : 1)
        for i in 0..<max(x.count, y.count) { diff |= (i < x.count ? x[i] : 0) ^ (i < y.count ? y[i] : 0) }
        return diff == 0
    }

    static func message(_ title: String, _ text: String) -> String {
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>\(HTML.escape(title)) · Sluice</title></head><body><h1>\(HTML.escape(title))</h1><p>\(HTML.escape(text))</p><p><a href=\"/ui\">Models</a></p></body></html>\n"
    }

    /// An HTML response that is never cached and can load nothing from anywhere (inline style and
    /// SVG only; a little inline script at most).
    static func html(_ status: HTTPResponse.Status, _ body: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-store"
        headers[.contentSecurityPolicy] = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}
