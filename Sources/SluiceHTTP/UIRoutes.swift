import Dispatch
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import SluiceController
import SluiceCore
import SluiceUI

/// The web UI's routes (issue 16), on the controller's endpoint and on `sluice ui`'s:
///
/// - `GET` (and `HEAD`) `/ui`, `/ui/models/{name}`, `/ui/plan`, `/ui/events`: the pages (``UI``),
///   with `Cache-Control: no-store` and a Content-Security-Policy that lets nothing load from elsewhere.
///   `/ui/` and the others with a trailing slash redirect to the page without it.
/// - `POST /ui/reconcile` (with a controller only): the "Reconcile now" form. It starts a cycle as
///   `POST /reconcile` does, after checking that the form comes from this server's own pages and,
///   when one is required, its token; then sends the browser back to the page it came from (303)
///   with `reconciled=1`, which the page shows as "A cycle starts now."
/// - Any other path under `/ui` is 404 with a page that links to `/ui`.
public enum UIRoutes {
    /// The routes, for 405's `Allow` and 404's list.
    static func routes(reconcile: Bool) -> [(method: HTTPRequest.Method, path: String)] {
        var routes: [(method: HTTPRequest.Method, path: String)] = []
        for path in ["/ui", "/ui/plan", "/ui/events", "/ui/models/:name"] { routes += [(.get, path), (.head, path)] }
        return routes + (reconcile ? [(.post, "/ui/reconcile")] : [])
    }

    /// The largest form `POST /ui/reconcile` reads.
    static let maxFormBytes = 16_384

    /// Adds the routes to `router`, and the middleware that answers an unknown `/ui/…` path with a
    /// page (add it after the endpoint's own error middleware, so that it runs first).
    /// - Parameters:
    ///   - ui: the pages.
    ///   - routes: every route of the endpoint (a path known with another method is left to the 405).
    ///   - reconcile: starts a cycle (`nil` when nothing serves `POST /reconcile`: `sluice ui`).
    ///   - token: the bearer token `POST /reconcile` needs, which the form asks for; `nil` for none.
    public static func add(to router: Router<BasicRequestContext>, ui: UI, routes: [(method: HTTPRequest.Method, path: String)],
                           reconcile: (@Sendable () -> Void)?, token: String?) {
        var table = RouteTable()
        for route in routes { table.add(route.method, route.path) }
        router.add(middleware: UINotFoundMiddleware(routes: table))
        // Each page answers GET, and HEAD with the same status and headers and no body.
        for method in [HTTPRequest.Method.get, .head] {
            router.on("ui", method: method) { request, _ in try await respond(request) { try ui.models($0) } }
            router.on("ui/plan", method: method) { request, _ in try await respond(request) { try ui.plan($0) } }
            router.on("ui/events", method: method) { request, _ in try await respond(request) { try ui.events($0) } }
            router.on("ui/models/:name", method: method) { request, context in
                let name = context.parameters.get("name").flatMap { $0.removingPercentEncoding } ?? ""
                return try await respond(request) { try ui.model(name, $0) }
            }
        }
        if let reconcile {
            router.post("ui/reconcile") { request, _ -> Response in
                try await reconcileForm(request, token: token) {
                    reconcile()
                    ui.context.plans.invalidate()
                }
            }
        }
    }

    /// `sluice ui`'s server: ``standaloneRouter(ui:)`` on `host:port`.
    /// - Parameter onRunning: called with the bound port once it listens (port 0 picks one).
    public static func application(ui: UI, host: String, port: Int, logger: Logger,
                                   onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> any Service {
        Application(router: standaloneRouter(ui: ui, loopback: LoopbackHost.isLoopback(host)), configuration: .init(address: .hostname(host, port: port), serverName: "sluice"),
                    onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) }, logger: logger)
    }

    /// The routes of `sluice ui`: the pages without "Reconcile now", and `GET /healthz`; another
    /// method on one of them is 405 with `Allow`, another path 404.
    /// - Parameter loopback: the server listens on a loopback address: the pages answer only requests
    ///   addressed to it (``LoopbackHost``, against DNS rebinding).
    public static func standaloneRouter(ui: UI, loopback: Bool = false) -> Router<BasicRequestContext> {
        let router = Router()
        if loopback { router.add(middleware: LoopbackHostMiddleware()) }
        let all = [(method: HTTPRequest.Method.get, path: "/healthz")] + routes(reconcile: false)
        var table = RouteTable()
        for route in all { table.add(route.method, route.path) }
        router.add(middleware: TextRouteErrorMiddleware(routes: table, summary: "GET /healthz, GET /ui (the web UI)"))
        add(to: router, ui: ui, routes: all, reconcile: nil, token: nil)
        router.get("healthz") { _, _ -> Response in ControllerEndpoint.text(.ok, "ok\n") }
        return router
    }

    /// A page, rendered away from the server's event loops (it reads the store, which blocks);
    /// for `HEAD`, without its body.
    static func respond(_ request: Request, _ render: @escaping @Sendable (UIQuery) throws -> UIPage) async throws -> Response {
        let query = UIQuery(parsing: request.uri.query ?? "")
        let page = await withCheckedContinuation { (continuation: CheckedContinuation<UIPage, Never>) in
            DispatchQueue.global().async {
                // A store that cannot be read (or holds what this build cannot read) is a page that
                // says so, escaped, rather than a bare 500.
                do { continuation.resume(returning: try render(query)) } catch {
                    continuation.resume(returning: UIPage(status: 503, html: message(
                        "The store cannot be read", "\(Redaction.text("\(error)")) Reload once the store answers; sluice status says the same from a shell.")))
                }
            }
        }
        let response = html(HTTPResponse.Status(code: page.status), page.html)
        return request.method == .head ? Response(status: response.status, headers: response.headers) : response
    }

    /// `POST /ui/reconcile`: `token` and `back` from the form (`application/x-www-form-urlencoded`).
    static func reconcileForm(_ request: Request, token: String?, reconcile: @Sendable () -> Void) async throws -> Response {
        if let refusal = crossSite(request) {
            return html(.forbidden, message("Refused", "The form was posted from \(refusal), not from this server's own pages; use Reconcile now on them."))
        }
        let body: ByteBuffer
        do { body = try await request.body.collect(upTo: maxFormBytes) } catch {
            return html(.contentTooLarge, message("Too large", "The form is larger than \(maxFormBytes) bytes; use Reconcile now on this server's pages."))
        }
        let form = UIQuery(parsing: String(buffer: body))
        if let token, !constantTimeEqual(form["token"] ?? "", token) {
            return html(.unauthorized, message("Wrong token", "The token is not the one this controller was started with (the variable named by sluice run --token-env). Go back and enter it again."))
        }
        reconcile()
        var headers = HTTPFields()
        headers[.location] = returnPath(form["back"])
        headers[.cacheControl] = "no-store"
        return Response(status: .seeOther, headers: headers)
    }

    /// Where the form sends the browser back to: `back` when it is one of the pages (a path under
    /// `/ui` of safe characters, its query re-encoded), else `/ui`; with `reconciled=1`.
    static func returnPath(_ back: String?) -> String {
        let parts = (back ?? "").split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        var path = parts.first.map(String.init) ?? ""
        let safe = path.utf8.allSatisfy { b in
            (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
                || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || "/%-._~".utf8.contains(b)
        }
        if !safe || !(path == "/ui" || path.hasPrefix("/ui/")) || path.contains("//") || path.contains("/../") || path.hasSuffix("/..") { path = "/ui" }
        let query = parts.count > 1 ? UIQuery(parsing: String(parts[1])) : UIQuery()
        return path + query.withoutNotice.setting("reconciled", to: "1").text
    }

    /// Why a form post is refused as coming from another site, or `nil` when it comes from this
    /// server's pages (or from no browser: a request without `Origin` or `Sec-Fetch-Site`).
    /// A browser says where a form comes from in `Origin` (and `Sec-Fetch-Site`); an opaque origin
    /// (`null`) or one whose host and port are not the request's `Host` is refused.
    static func crossSite(_ request: Request) -> String? {
        if let site = request.headers[HTTPField.Name("Sec-Fetch-Site")!], !["same-origin", "none"].contains(site.lowercased()) {
            return "another site (Sec-Fetch-Site: \(site))"
        }
        guard let origin = request.headers[.origin] else { return nil }
        guard let host = request.head.authority?.lowercased(), let url = URL(string: origin), let originHost = url.host?.lowercased() else {
            return "another site (Origin: \(origin))"
        }
        let defaultPort = url.scheme?.lowercased() == "https" ? 443 : 80
        let originHostPort = (originHost.trimmingCharacters(in: CharacterSet(charactersIn: "[]")), url.port ?? defaultPort)
        guard let requestHostPort = hostAndPort(host, defaultPort: defaultPort), requestHostPort == originHostPort else {
            return "another site (Origin: \(origin))"
        }
        return nil
    }

    /// `example.com:8080`, `127.0.0.1`, `[::1]:9095` as host (without brackets) and port.
    static func hostAndPort(_ authority: String, defaultPort: Int) -> (String, Int)? {
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            let host = String(authority[authority.index(after: authority.startIndex)..<close])
            let rest = authority[authority.index(after: close)...]
            if rest.isEmpty { return (host, defaultPort) }
            guard rest.hasPrefix(":"), let port = Int(rest.dropFirst()) else { return nil }
            return (host, port)
        }
        let parts = authority.split(separator: ":", omittingEmptySubsequences: false)
        switch parts.count {
        case 1: return (authority, defaultPort)
        case 2: return Int(parts[1]).map { (String(parts[0]), $0) }
        default: return nil
        }
    }

    /// Whether two secrets are equal, taking the same time wherever they differ.
    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        var diff = UInt8(x.count == y.count ? 0 : 1)
        for i in 0..<max(x.count, y.count) { diff |= (i < x.count ? x[i] : 0) ^ (i < y.count ? y[i] : 0) }
        return diff == 0
    }

    /// A small page saying what happened, with a link to the models.
    static func message(_ title: String, _ text: String) -> String {
        """
        <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">\
        <meta name="color-scheme" content="light dark"><title>\(HTML.escape(title)) · Sluice</title></head>\
        <body><h1>\(HTML.escape(title))</h1><p>\(HTML.escape(text))</p><p><a href="/ui">All models</a></p></body></html>

        """
    }

    /// An HTML response that is never cached and can load nothing from anywhere (inline style and
    /// SVG only; a little inline script at most).
    static func html(_ status: HTTPResponse.Status, _ body: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-store"
        headers[.contentSecurityPolicy] = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}

/// Under `/ui`: a path with a trailing slash redirects to the one without (`/ui/` → `/ui`), and an
/// unknown path is a 404 page linking to `/ui` (a known path asked with another method is left to
/// the endpoint's 405).
struct UINotFoundMiddleware<Context: RequestContext>: RouterMiddleware {
    var routes: RouteTable

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        guard path == "/ui" || path.hasPrefix("/ui/") else { return try await next(request, context) }
        if path.count > 3, path.hasSuffix("/"), request.method == .get || request.method == .head {
            var trimmed = path
            while trimmed.count > 3 && trimmed.hasSuffix("/") { trimmed.removeLast() }
            var headers = HTTPFields()
            headers[.location] = trimmed + (request.uri.query.map { "?" + $0 } ?? "")
            headers[.cacheControl] = "no-store"
            return Response(status: .permanentRedirect, headers: headers)
        }
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound && error.body == nil && routes.methods(for: path).isEmpty {
            let page = UIRoutes.html(.notFound, UIRoutes.message("Not found", "There is no page at \(path)."))
            return request.method == .head ? Response(status: page.status, headers: page.headers) : page
        }
    }
}
