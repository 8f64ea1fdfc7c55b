import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import Prometheus
import SluiceCore
import SluiceServe
import Synchronization

/// `sluice serve`: the Open Inference Protocol (KServe V2) REST API over a ``ModelRepository``,
/// with Triton's binary tensor extension, the repository API the `http` deploy target uses, and
/// Prometheus metrics.
///
/// | route | answers |
/// |---|---|
/// | `GET /v2` | server metadata |
/// | `GET /v2/health/live`, `/v2/health/ready` | 200, or 503 while stopping |
/// | `GET /v2/models/{m}[/versions/{v}]` | model metadata: inputs and outputs from the artifact |
/// | `GET /v2/models/{m}[/versions/{v}]/ready` | 200 when served, 400 when not (with the reason), 404 unknown |
/// | `POST /v2/models/{m}[/versions/{v}]/infer` | inference, JSON or binary tensors |
/// | `POST /v2/models/{m}/feedback` | ground truth for answered rows (202), when monitoring is on |
/// | `GET /v2/models/{m}/monitor[?window=24h&metric=…]` | the monitor window of the version in service |
/// | `GET /v2/models/{m}/monitor/rows[?labelled=true&since=…&limit=…]` | logged rows (with labels) as JSON lines |
/// | `PUT`/`DELETE`/`GET /v2/repository/models/{m}`, `GET /v2/repository/models` | the repository API, bearer token |
/// | `GET /metrics` | Prometheus text |
public final class InferenceServer: Sendable {
    public struct Options: Sendable {
        /// The largest request body accepted, in bytes (413 beyond).
        public var maxBodySize = 64 << 20
        /// The bearer token of the repository API; the API is off when `nil`.
        public var token: String?
        public init() {}
    }

    public let repository: ModelRepository
    public let options: Options
    let registry: PrometheusCollectorRegistry
    let metrics: InferenceMetrics
    /// Records what is served (`nil`: `--no-monitor`).
    public let monitor: MonitorRecorder?
    let monitorMetrics: MonitorMetrics
    let stopping = Atomic<Bool>(false)

    /// - Parameters:
    ///   - registry: where `GET /metrics` reads the serving metrics from (a registry of their own by default).
    ///   - monitor: records every answered row, and serves the feedback and monitor routes; `nil` turns
    ///     monitoring off (requests then get no generated `id`).
    public init(repository: ModelRepository, options: Options, registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry(),
                monitor: MonitorRecorder? = nil) {
        self.repository = repository
        self.options = options
        self.registry = registry
        self.metrics = InferenceMetrics(registry: registry)
        self.monitor = monitor
        self.monitorMetrics = MonitorMetrics(registry: registry)
    }

    /// Marks the server as stopping: `/v2/health/ready` answers 503 so load balancers drain it.
    public func beginStopping() { stopping.store(true, ordering: .relaxed) }

    static let headerLength = HTTPField.Name("Inference-Header-Content-Length")!
    static let contentDigest = HTTPField.Name("Content-Digest")!
    static let sluiceMetadata = HTTPField.Name("Sluice-Metadata")!

    /// The routes, for any request context (the tests use the router in process). A known path
    /// asked with another method is 405 with `Allow`; an unknown path is 404.
    public func router<Context: RequestContext>(context: Context.Type = BasicRequestContext.self) -> Router<Context> {
        typealias Handler = @Sendable (Request, Context) async throws -> Response
        let routes: [(method: HTTPRequest.Method, path: String, handler: Handler)] = [
            (.get, "v2", { _, _ in
                JSONResponse.bytes(200, JSON.object(["name": "sluice", "version": .string(sluiceVersion), "extensions": ["binary_tensor_data"]]).canonicalBytes())
            }),
            (.get, "v2/health/live", { _, _ in JSONResponse.bytes(200, Array(#"{"live":true}"#.utf8)) }),
            (.get, "v2/health/ready", { [self] _, _ in
                stopping.load(ordering: .relaxed) || repository.scans == 0
                    ? JSONResponse.bytes(503, Array(#"{"ready":false}"#.utf8))
                    : JSONResponse.bytes(200, Array(#"{"ready":true}"#.utf8))
            }),
            (.get, "v2/models/:name", { [self] _, context in try modelMetadata(context, versioned: false) }),
            (.get, "v2/models/:name/versions/:version", { [self] _, context in try modelMetadata(context, versioned: true) }),
            (.get, "v2/models/:name/ready", { [self] _, context in try modelReady(context, versioned: false) }),
            (.get, "v2/models/:name/versions/:version/ready", { [self] _, context in try modelReady(context, versioned: true) }),
            (.post, "v2/models/:name/infer", { [self] request, context in try await infer(request, context, versioned: false) }),
            (.post, "v2/models/:name/versions/:version/infer", { [self] request, context in try await infer(request, context, versioned: true) }),
            (.post, "v2/models/:name/feedback", { [self] request, context in try await feedback(request, context) }),
            (.get, "v2/models/:name/monitor", { [self] request, context in try await monitorWindow(request, context) }),
            (.get, "v2/models/:name/monitor/rows", { [self] request, context in try await monitorRows(request, context) }),
            (.get, "v2/repository/models", { [self] request, _ in
                try authorize(request)
                return JSONResponse.bytes(200, JSON.array(repository.statuses.map(Self.json)).canonicalBytes())
            }),
            (.get, "v2/repository/models/:name", { [self] request, context in
                try authorize(request)
                let name = try parameter("name", context)
                guard let status = repository.status(name) else { throw ServeError(404, "no model named \(name) in the repository") }
                return JSONResponse.bytes(200, Self.json(status).canonicalBytes())
            }),
            (.put, "v2/repository/models/:name", { [self] request, context in try await put(request, context) }),
            (.delete, "v2/repository/models/:name", { [self] request, context in
                try authorize(request)
                let name = try parameter("name", context)
                try repository.delete(name: name)
                context.logger.notice("model deleted through the repository API", metadata: ["model": "\(name)"])
                return JSONResponse.bytes(200, Array(#"{"deleted":true}"#.utf8))
            }),
            (.get, "metrics", { [self] _, _ in
                let statuses = repository.statuses
                metrics.modelsLoaded.record(statuses.filter(\.ready).count)
                metrics.modelsFailing.record(statuses.filter { $0.reason != nil }.count)
                if let monitor { monitorMetrics.update(from: monitor) }
                var headers = HTTPFields()
                headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
                return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
            }),
        ]
        var table = RouteTable()
        for route in routes { table.add(route.method, route.path) }
        let router = Router(context: Context.self)
        router.add(middleware: JSONErrorMiddleware(routes: table))
        for route in routes { router.on(RouterPath(route.path), method: route.method, use: route.handler) }
        return router
    }

    /// Refuses a body whose declared `Content-Length` is above the limit before reading any of
    /// it (413 at once, instead of waiting for bytes that would be refused anyway).
    func checkDeclaredLength(_ request: Request) throws {
        if let value = request.headers[.contentLength], let length = Int(value), length > options.maxBodySize {
            throw ServeError(413, "the request body is \(length) bytes, larger than the server's limit of \(options.maxBodySize) bytes (--max-body-size)")
        }
    }

    // MARK: Models

    /// The served model a request names, checked against the version in the path.
    func resolve(_ context: some RequestContext, versioned: Bool) throws -> ServedModel {
        let name = try parameter("name", context)
        guard let model = repository.model(name) else {
            if let status = repository.status(name) {
                throw ServeError(503, "model \(name) is not ready: \(status.reason ?? "not loaded yet")")
            }
            let names = repository.models.map(\.name)
            let list = names.isEmpty ? "none is loaded" : "models: " + names.prefix(10).joined(separator: ", ") + (names.count > 10 ? ", … (\(names.count))" : "")
            throw ServeError(404, "no model named \(name); \(list)")
        }
        if versioned {
            let version = try parameter("version", context)
            guard model.matches(version: version) else {
                throw ServeError(404, "model \(name) has no version \(version); it serves version \(model.version)")
            }
        }
        return model
    }

    func parameter(_ key: String, _ context: some RequestContext) throws -> String {
        let raw = try context.parameters.require(key)
        return raw.removingPercentEncoding ?? raw
    }

    private func modelMetadata(_ context: some RequestContext, versioned: Bool) throws -> Response {
        JSONResponse.bytes(200, try resolve(context, versioned: versioned).metadataBody)
    }

    private func modelReady(_ context: some RequestContext, versioned: Bool) throws -> Response {
        let name = try parameter("name", context)
        guard let status = repository.status(name) else { throw ServeError(404, "no model named \(name)") }
        var body: [String: JSON] = ["name": .string(name), "ready": .bool(status.ready)]
        if let version = status.version { body["version"] = .string(version) }
        if let reason = status.reason { body["reason"] = .string(reason) }
        if versioned, let version = status.version {
            let requested = try parameter("version", context)
            if let model = repository.model(name), !model.matches(version: requested) {
                throw ServeError(404, "model \(name) has no version \(requested); it serves version \(version)")
            }
        }
        // The protocol: 200 is true, a 4xx is false.
        return JSONResponse.bytes(status.ready ? 200 : 400, JSON.object(body).canonicalBytes())
    }

    private func infer(_ request: Request, _ context: some RequestContext, versioned: Bool) async throws -> Response {
        let start = ContinuousClock.now
        let name = (try? parameter("name", context)) ?? ""
        let model: ServedModel
        do { model = try resolve(context, versioned: versioned) } catch {
            metrics.record(model: nil, status: (error as? ServeError)?.status ?? 500, since: start)
            throw error
        }
        do {
            try checkDeclaredLength(request)
            var headerLength: Int?
            if let value = request.headers[Self.headerLength] {
                guard let n = Int(value) else { throw ServeError(400, "Inference-Header-Content-Length must be a byte count, got \"\(value)\"") }
                headerLength = n
            }
            let body = try await request.body.collect(upTo: options.maxBodySize)
            let (response, rows) = try await InferenceWork.shared.infer(body, headerLength: headerLength, model: model, assignID: monitor != nil)
            // The decoded request takes about what its body did; the outputs 8 bytes a value.
            monitor?.offer(rows, bytes: body.readableBytes + rows.predictions.count * 8)
            var headers = HTTPFields()
            if let length = response.headerLength { headers[Self.headerLength] = String(length) }
            metrics.record(model: model.name, status: 200, since: start)
            return JSONResponse.bytes(200, response.body, headers: headers)
        } catch {
            let status = (error as? ServeError)?.status ?? (error is NIOTooManyBytesError ? 413 : error is HTTPParserError ? 400 : 500)
            metrics.record(model: model.name, status: status, since: start)
            if status >= 500 { context.logger.error("inference failed", metadata: ["model": "\(name)", "error": "\(error)"]) }
            throw error
        }
    }

    // MARK: Repository API

    /// Checks `Authorization: Bearer <token>` in constant time.
    func authorize(_ request: Request) throws {
        guard let token = options.token else {
            throw ServeError(404, "the repository API is off; start sluice serve with --token-env NAME to turn it on")
        }
        let given = request.headers[.authorization].flatMap { value -> String? in
            let parts = value.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
            return String(parts[1])
        }
        guard let given else {
            throw HTTPError(.unauthorized, headers: [.wwwAuthenticate: #"Bearer realm="sluice""#],
                            message: "the repository API needs an Authorization: Bearer <token> header")
        }
        let a = Array(given.utf8), b = Array(token.utf8)
        var difference = UInt8(a.count == b.count ? 0 : 1)
        for i in 0..<max(a.count, b.count) { difference |= (i < a.count ? a[i] : 0) ^ (i < b.count ? b[i] : 0) }
        guard difference == 0 else {
            throw HTTPError(.unauthorized, headers: [.wwwAuthenticate: #"Bearer realm="sluice", error="invalid_token""#],
                            message: "the bearer token was refused")
        }
    }

    private func put(_ request: Request, _ context: some RequestContext) async throws -> Response {
        try authorize(request)
        let name = try parameter("name", context)
        guard let digestHeader = request.headers[Self.contentDigest] else {
            throw ServeError(400, "PUT needs a Content-Digest: sha-256=:<base64 of the SHA-256>: header (RFC 9530)")
        }
        guard let digest = Self.sha256(fromContentDigest: digestHeader) else {
            throw ServeError(400, "Content-Digest \"\(digestHeader)\" has no sha-256=:<base64>: member")
        }
        try checkDeclaredLength(request)
        var metadata: JSON?
        if let header = request.headers[Self.sluiceMetadata] {
            guard let data = Data(base64Encoded: header), let json = try? JSONParser.parse(Array(data)).value else {
                throw ServeError(400, "Sluice-Metadata must be base64 of a JSON object")
            }
            metadata = json
        }
        let body = try await request.body.collect(upTo: options.maxBodySize)
        let model = try repository.put(name: name, artifact: Array(body.readableBytesView), digest: digest, metadata: metadata)
        context.logger.notice("model published through the repository API", metadata: ["model": "\(name)", "version": "\(model.version)"])
        return JSONResponse.bytes(200, Self.json(repository.status(name)!).canonicalBytes())
    }

    /// The hex SHA-256 in an RFC 9530 `Content-Digest` value (`sha-256=:<base64>:`).
    static func sha256(fromContentDigest value: String) -> String? {
        for member in value.split(separator: ",") {
            let parts = member.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "sha-256" else { continue }
            var encoded = parts[1].trimmingCharacters(in: .whitespaces)
            guard encoded.hasPrefix(":"), encoded.hasSuffix(":"), encoded.count >= 2 else { return nil }
            encoded = String(encoded.dropFirst().dropLast())
            guard let data = Data(base64Encoded: encoded), data.count == 32 else { return nil }
            return data.map { String(format: "%02x", $0) }.joined()
        }
        return nil
    }

    static func json(_ status: ModelStatus) -> JSON {
        var o: [String: JSON] = ["name": .string(status.name), "ready": .bool(status.ready), "path": .string(status.path)]
        if let v = status.version { o["version"] = .string(v) }
        if let d = status.digest { o["sha256"] = .string(d) }
        if let r = status.reason { o["reason"] = .string(r) }
        if let t = status.loadedAt { o["loadedAt"] = .string(ISO8601DateFormatter().string(from: t)) }
        return .object(o)
    }
}

