import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOEmbedded
import SluiceCore
import Synchronization

/// Sends requests straight to a router's responder, in process, without a socket: what
/// HummingbirdTesting's `.router` mode does, without its dependency on async-http-client.
struct InProcessClient {
    let responder: any HTTPResponder<BasicRequestContext>
    let logger: Logger

    init(router: Router<BasicRequestContext>) {
        responder = router.buildResponder()
        var logger = Logger(label: "test.serve")
        logger.logLevel = .critical
        self.logger = logger
    }

    struct Response {
        var status: Int
        var headers: HTTPFields
        var body: [UInt8]

        var text: String { String(decoding: body, as: UTF8.self) }
        /// The body as JSON (the JSON part only, when binary outputs follow).
        var json: JSON {
            let end = headers[HTTPField.Name("Inference-Header-Content-Length")!].flatMap(Int.init) ?? body.count
            return (try? JSONParser.parse(Array(body[0..<end]))).map(\.value) ?? .string("not JSON: \(text)")
        }
        /// The `error` message of an error response.
        var error: String? { json["error"]?.stringValue }
    }

    /// - Parameter authority: the request's `Host`.
    func request(_ method: HTTPRequest.Method, _ path: String, headers: HTTPFields = [:], body: [UInt8]? = nil,
                 authority: String = "localhost") async throws -> Response {
        var headers = headers
        if let body { headers[.contentLength] = String(body.count) }
        let request = Request(
            head: HTTPRequest(method: method, scheme: "http", authority: authority, path: path, headerFields: headers),
            body: RequestBody(buffer: ByteBuffer(bytes: body ?? [])))
        let context = BasicRequestContext(source: .init(channel: NIOAsyncTestingChannel(), logger: logger))
        let response = try await responder.respond(to: request, context: context)
        let writer = CollectingWriter()
        try await response.body.write(writer)
        return Response(status: response.status.code, headers: response.headers, body: writer.bytes.withLock { $0 })
    }

    func get(_ path: String, headers: HTTPFields = [:]) async throws -> Response {
        try await request(.get, path, headers: headers)
    }

    func post(_ path: String, json: JSON, headers: HTTPFields = [:]) async throws -> Response {
        try await request(.post, path, headers: headers, body: json.canonicalBytes())
    }

    final class CollectingWriter: ResponseBodyWriter {
        let bytes = Mutex<[UInt8]>([])
        func write(_ buffer: ByteBuffer) async throws { bytes.withLock { $0.append(contentsOf: buffer.readableBytesView) } }
        func finish(_ trailingHeaders: HTTPFields?) async throws {}
    }
}
