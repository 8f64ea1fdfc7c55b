import Hummingbird
import NIOCore
import NIOHTTP1
import SluiceCore
import SluiceServe

/// Turns every error a route throws into the protocol's error shape, `{"error": "…"}` with its
/// status, so that clients (tritonclient reads `json.loads(body)["error"]`) show the message.
/// A path the router does not match with the request's method, but does with others, is 405
/// with `Allow` (when `routes` lists them); a malformed body (a bad chunk size) is 400.
struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    var routes = RouteTable()

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as ServeError {
            return JSONResponse.error(error.status, error.message)
        } catch let error as HTTPError {
            if error.status == .notFound, error.body == nil {
                let allowed = routes.methods(for: request.uri.path)
                if !allowed.isEmpty {
                    let list = allowed.map(\.rawValue).joined(separator: ", ")
                    return JSONResponse.error(405, "\(request.method) is not allowed on \(request.uri.path); use \(list)", headers: [.allow: list])
                }
            }
            let message = error.body ?? (error.status == .notFound
                ? "no route \(request.method) \(request.uri.path); see GET /v2 and the Open Inference Protocol"
                : error.status.reasonPhrase)
            return JSONResponse.error(error.status.code, message, headers: error.headers)
        } catch is NIOTooManyBytesError {
            return JSONResponse.error(413, "the request body is larger than the server's limit (--max-body-size)")
        } catch let error as HTTPParserError {
            return JSONResponse.error(400, "the request is not valid HTTP/1.1: \(error)")
        } catch {
            context.logger.error("request failed", metadata: ["error": "\(error)", "path": "\(request.uri.path)"])
            return JSONResponse.error(500, "internal error: \(error)")
        }
    }
}
