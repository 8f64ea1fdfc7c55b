import HTTPTypes
import Hummingbird

/// For a plain-text endpoint: a path the router does not match with the request's method, but
/// does with others, is 405 with `Allow` (not 404, which says the path is unknown); an unknown
/// path is 404 naming the routes there are.
struct TextRouteErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    var routes: RouteTable
    /// The routes, as the 404's body lists them ("GET /healthz, POST /reconcile").
    var summary: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound && error.body == nil {
            let allowed = routes.methods(for: request.uri.path)
            guard !allowed.isEmpty else {
                return ControllerEndpoint.text(.notFound, "no route \(request.method) \(request.uri.path); this endpoint has \(summary)\n")
            }
            let list = allowed.map(\.rawValue).joined(separator: ", ")
            var response = ControllerEndpoint.text(.methodNotAllowed, "\(request.method) is not allowed on \(request.uri.path); use \(list)\n")
            response.headers[.allow] = list
            return response
        }
    }
}
