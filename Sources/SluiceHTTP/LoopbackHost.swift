import HTTPTypes
import Hummingbird

/// The defence against DNS rebinding for a server bound to a loopback address (`sluice ui`'s
/// default, `sluice run --listen 127.0.0.1:…`): a page on another site can point its own name at
/// 127.0.0.1 and then read the web UI, or post its form, as if it were same-origin. Its requests
/// still carry that name in `Host`, so every request but the probes and the metrics (the web UI's
/// pages, `POST /reconcile`) answers 421 unless `Host` names the loopback: `localhost` (or a
/// `*.localhost` name), `127.x.x.x` or `[::1]`, on any port. A server bound to another address
/// is reached by names this one cannot know, and is left alone.
enum LoopbackHost {
    /// Whether `host` (the address a server listens on) is a loopback one.
    static func isLoopback(_ host: String) -> Bool {
        let bracketed = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host  // a bare IPv6 address
        return allows(bracketed)
    }

    /// Whether a `Host` header value (`name`, `name:port`, `[v6]:port`) names the loopback.
    static func allows(_ authority: String) -> Bool {
        var name = Substring(authority.lowercased())
        if name.hasPrefix("[") {
            guard let close = name.firstIndex(of: "]") else { return false }
            return name[name.index(after: name.startIndex)..<close] == "::1"
        }
        if let colon = name.lastIndex(of: ":") { name = name[..<colon] }
        if name.hasSuffix(".") { name = name.dropLast() }
        if name == "localhost" || name.hasSuffix(".localhost") { return true }
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { p in
            !p.isEmpty && p.count <= 3 && p.allSatisfy(\.isASCII) && p.allSatisfy(\.isNumber) && Int(p).map { $0 <= 255 } == true
        }
    }

    /// Whether the request is one the check covers: every path but the probes and the metrics
    /// (`/healthz`, `/readyz`, `/metrics`), however spelt — the router ignores empty segments and a
    /// trailing slash (`//ui`, `/reconcile/`), so the check must not compare the raw path.
    static func covers(_ path: String) -> Bool {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        return !(segments.count == 1 && ["healthz", "readyz", "metrics"].contains(segments[0]))
    }
}

/// Answers 421 Misdirected Request to a request for the web UI or `POST /reconcile` whose `Host`
/// does not name the loopback (``LoopbackHost``); add it to a router served on a loopback address.
struct LoopbackHostMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard LoopbackHost.covers(request.uri.path), let authority = request.head.authority, !LoopbackHost.allows(authority) else {
            return try await next(request, context)
        }
        return UIRoutes.html(.init(code: 421, reasonPhrase: "Misdirected Request"), UIRoutes.message(
            "Misdirected request",
            "This server listens on the loopback address and answers only requests addressed to it (Host: localhost or 127.0.0.1), not to \(authority): another site may have pointed its name at this machine. Open http://localhost:PORT/ui or http://127.0.0.1:PORT/ui."))
    }
}
