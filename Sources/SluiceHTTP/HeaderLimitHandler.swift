import HTTPTypes
import Hummingbird
import HummingbirdCore
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import SluiceCore

/// Answers a request whose header fields are larger than the HTTP parser allows (80 KiB in all)
/// with 431 Request Header Fields Too Large and closes the connection, instead of the generic
/// 400 the server would send: the client learns what to shorten. Other parser errors go on.
final class HeaderLimitHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundOut = HTTPResponsePart

    init() {}

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard case HTTPParserError.headerOverflow? = error as? HTTPParserError else {
            context.fireErrorCaught(error)
            return
        }
        let body = JSON.object(["error": "the request's header fields are too large (at most 80 KiB in all); send fewer or shorter headers"]).canonicalBytes()
        var fields = HTTPFields()
        fields[.connection] = "close"
        fields[.contentType] = "application/json"
        fields[.contentLength] = String(body.count)
        let head = HTTPResponse(status: .init(code: 431, reasonPhrase: "Request Header Fields Too Large"), headerFields: fields)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(ByteBuffer(bytes: body))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        context.close(promise: nil)
    }
}

extension InferenceServer {
    /// The HTTP/1.1 server `sluice serve` runs: Hummingbird's, with oversized headers answered 431.
    public static var httpServer: HTTPServerBuilder {
        .http1(configuration: .init(additionalChannelHandlers: [HeaderLimitHandler()]))
    }
}
