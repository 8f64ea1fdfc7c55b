import HTTPTypes

/// The routes of a server as (method, path pattern) pairs, so that a request for a known path
/// with another method is answered 405 with `Allow`, not 404 (which says the path is unknown).
struct RouteTable: Sendable {
    /// Path segments, `:name` matching any one segment.
    private var routes: [(method: HTTPRequest.Method, segments: [Substring])] = []

    mutating func add(_ method: HTTPRequest.Method, _ path: String) {
        routes.append((method, path.split(separator: "/")))
    }

    /// The methods that `path` answers to, in the order they were added, without repeats.
    func methods(for path: String) -> [HTTPRequest.Method] {
        let segments = path.split(separator: "/")
        var methods: [HTTPRequest.Method] = []
        for route in routes where route.segments.count == segments.count && !methods.contains(route.method) {
            if zip(route.segments, segments).allSatisfy({ $0.hasPrefix(":") || $0 == $1 }) { methods.append(route.method) }
        }
        return methods
    }
}
