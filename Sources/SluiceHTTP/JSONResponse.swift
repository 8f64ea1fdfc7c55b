import Hummingbird
import NIOCore
import SluiceCore

/// JSON responses with `Content-Length`.
enum JSONResponse {
    static func bytes(_ status: Int, _ body: [UInt8], headers extra: HTTPFields = [:]) -> Response {
        var headers = extra
        headers[.contentType] = "application/json"
        return Response(status: .init(code: status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    static func error(_ status: Int, _ message: String, headers: HTTPFields = [:]) -> Response {
        bytes(status, JSON.object(["error": .string(message)]).canonicalBytes(), headers: headers)
    }
}
