import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Prometheus
import SluiceController
import SluiceUI

/// The controller's small HTTP endpoint (loopback by default):
///
/// - `GET /healthz`: 200 while the controller runs; 503 once it is stopping (SIGTERM).
/// - `GET /readyz`: 200 once this controller holds the store's writer lease and has completed
///   a cycle under it; 503 otherwise (a standby replica waiting for the lease, or a controller
///   that lost it and waits to take it again, is alive but not ready).
/// - `GET /metrics`: Prometheus text format.
/// - `POST /reconcile`: starts a cycle now (a webhook from the git host), 202; with a token
///   (`sluice run --token-env NAME`), only with `Authorization: Bearer <token>` (401 otherwise).
/// - `/ui`…: the web UI (``UIRoutes``).
///
/// Another method on one of these paths is 405 with `Allow`; any other path is 404.
public enum ControllerEndpoint {
    /// The routes, for 405's `Allow` and 404's list.
    static let routes: [(method: HTTPRequest.Method, path: String)] = [
        (.get, "/healthz"), (.get, "/readyz"), (.get, "/metrics"), (.post, "/reconcile"),
    ]

    /// The router of the endpoint.
    /// - Parameter token: the bearer token `POST /reconcile` and the UI's "Reconcile now" need
    ///   (`sluice run --token-env`); `nil` for none.
    /// - Parameter loopback: the server listens on a loopback address: the web UI and `POST /reconcile`
    ///   answer only requests addressed to it (``LoopbackHost``, against DNS rebinding).
    public static func router(controller: Controller, registry: PrometheusCollectorRegistry, token: String? = nil,
                              loopback: Bool = false) -> Router<BasicRequestContext> {
        let router = Router()
        if loopback { router.add(middleware: LoopbackHostMiddleware()) }
        var table = RouteTable()
        let all = routes + UIRoutes.routes(reconcile: true)
        for route in all { table.add(route.method, route.path) }
        let summary = (routes.map { "\($0.method) \($0.path)" } + ["GET /ui (the web UI)"]).joined(separator: ", ")
        router.add(middleware: TextRouteErrorMiddleware(routes: table, summary: summary))
        UIRoutes.add(to: router, ui: ui(controller, token: token), routes: all, reconcile: {
            controller.trigger("Reconcile now (web UI)")
        }, token: token)
        router.get("healthz") { _, _ -> Response in
            controller.isStopping ? text(.serviceUnavailable, "stopping\n") : text(.ok, "ok\n")
        }
        router.get("readyz") { _, _ -> Response in
            let s = controller.status
            if s.replica {
                let role = s.holdsLease ? "leading" : "a replica (another leads)"
                if s.isReady { return text(.ok, "ready: \(role), working on \(s.claimed.count) models, \(s.cycles) cycles led, revision \(s.lastRevision ?? "none")\n") }
                if let e = s.storeError { return text(.serviceUnavailable, "not ready: cannot reach the store's work queue: \(e)\n") }
                if !s.polled { return text(.serviceUnavailable, "not ready: has not reached the store's work queue yet\n") }
            }
            if s.isReady { return text(.ok, "ready: \(s.cycles) cycles, revision \(s.lastRevision ?? "none")\n") }
            if !s.holdsLease, let lost = s.leaseLost {
                return text(.serviceUnavailable, "not ready: \(lost); waiting to take the lease again\n")
            }
            if !s.holdsLease { return text(.serviceUnavailable, "not ready: waiting for the store's writer lease\n") }
            if let e = s.lastError { return text(.serviceUnavailable, "not ready: the last cycle failed: \(e)\n") }
            return text(.serviceUnavailable, "not ready: the first cycle has not finished\n")
        }
        router.get("metrics") { _, _ -> Response in
            var buffer = ByteBuffer()
            buffer.writeBytes(registry.emitToBuffer())
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: buffer))
        }
        router.post("reconcile") { request, _ -> Response in
            // A browser's request from another site's page (a git host's webhook sends no Origin).
            if let site = UIRoutes.crossSite(request) {
                return text(.forbidden, "refused: POST /reconcile from \(site); a browser may start a cycle only from this server's own pages (Reconcile now)\n")
            }
            if let token, let refusal = refusal(request, token: token) { return refusal }
            controller.trigger("POST /reconcile")
            return text(.accepted, controller.cyclesHere ? "a cycle starts now\n" : "passed on to the replica that leads: a cycle starts there now\n")
        }
        return router
    }

    /// The pages over the controller's store and its current plan (made again at most every 5 s).
    static func ui(_ controller: Controller, token: String?) -> UI {
        let clock = controller.clock
        let plans = PlanCache(maxAge: .seconds(5), now: { clock.now }) { last in
            // While a cycle reads the source, the last plan again (or why there is none yet).
            UIPlan.reading(at: clock.now, unmade: {
                last ?? .unavailable("A cycle is reading the manifests right now; the plan shows once it has: reload in a moment.", at: clock.now)
            }) { try controller.currentPlan() }
        }
        // The templates are part of the binary and parsed by the tests: a failure here is a bug.
        return try! UI(context: UIContext(store: controller.store, plans: plans, reconcile: .init(tokenRequired: token != nil),
                                          clock: clock, server: "sluice run"))
    }

    /// The application serving ``router(controller:registry:)`` on `host:port`.
    /// - Parameter onRunning: called with the bound port once it listens (port 0 picks one).
    /// - Parameter token: the bearer token `POST /reconcile` needs; `nil` for none.
    public static func application(controller: Controller, registry: PrometheusCollectorRegistry, host: String, port: Int, token: String? = nil,
                                   logger: Logger, onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        Application(router: router(controller: controller, registry: registry, token: token, loopback: LoopbackHost.isLoopback(host)),
                    configuration: .init(address: .hostname(host, port: port), serverName: "sluice"),
                    onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) },
                    logger: logger)
    }

    /// 401 for a request without `Authorization: Bearer <token>` (or with another token); `nil`
    /// when it has the token. The tokens are compared in constant time.
    static func refusal(_ request: Request, token: String) -> Response? {
        let given = request.headers[.authorization].flatMap { value -> String? in
            let parts = value.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
            return String(parts[1])
        }
        guard let given else {
            var r = text(.unauthorized, "POST /reconcile needs an Authorization: Bearer <token> header (this controller runs with --token-env)\n")
            r.headers[.wwwAuthenticate] = #"Bearer realm="sluice""#
            return r
        }
        guard UIRoutes.constantTimeEqual(given, token) else {
            var r = text(.unauthorized, "the bearer token was refused: it is not the one in the variable named by sluice run --token-env\n")
            r.headers[.wwwAuthenticate] = #"Bearer realm="sluice", error="invalid_token""#
            return r
        }
        return nil
    }

    static func text(_ status: HTTPResponse.Status, _ body: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}
