import ArgumentParser
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import SluiceController
import SluiceCore
import SluiceManifest

/// The `sluice serve` instance a command talks to about a model: `--server URL`, else the manifest's
/// `spec.monitor.server`, else the server of the model's `http` deploy target as the store recorded it (its
/// repository URL without the `/v2/repository/models/NAME` path, with its `tokenEnv` token).
struct MonitorServer {
    /// The base URL, without a trailing slash (`http://127.0.0.1:8080`).
    var base: String
    /// The bearer token to send (the deploy target's `tokenEnv`), if any.
    var token: String?

    /// Resolves the server of `model`.
    /// - Throws: exit code 1 with a message when there is none to talk to.
    static func resolve(_ server: String?, model: String, options: GlobalOptions, manifest: MonitorManifest) throws -> MonitorServer {
        if let server {
            guard let base = baseURL(server) else {
                Terminal.error("--server \(server): expected an http(s) URL such as http://127.0.0.1:8080")
                throw ExitCode(1)
            }
            return MonitorServer(base: base, token: nil)
        }
        if let named = manifest.server {
            guard let base = baseURL(named) else {
                Terminal.error("\(manifest.manifest?.origin.file ?? "the manifest"): spec.monitor.server \(named): expected an http(s) URL")
                throw ExitCode(1)
            }
            return MonitorServer(base: base, token: nil)
        }
        let store = try options.requireStoreReadOnly()
        let publication = try store.activePublications().first { $0.model == model }
        guard case .http(let url, let tokenEnv)? = publication?.deploy, let base = baseURL(url) else {
            let where_ = publication.map { "it is published to \($0.deploy.summary)" } ?? "it is not published"
            Terminal.error("no server to ask about \(model): \(where_); name the `sluice serve` that serves it with --server URL (or spec.monitor.server), "
                + "or use --data FILE.csv to judge a batch file")
            throw ExitCode(1)
        }
        return MonitorServer(base: base, token: tokenEnv.flatMap { ProcessInfo.processInfo.environment[$0] })
    }

    /// The server part of `url`: scheme, host, port, and any path before `/v2/`.
    static func baseURL(_ url: String) -> String? {
        guard var c = URLComponents(string: url), let scheme = c.scheme?.lowercased(), ["http", "https"].contains(scheme),
              let host = c.host, !host.isEmpty else { return nil }
        let path = c.path
        if let r = path.range(of: "/v2/") ?? (path.hasSuffix("/v2") ? path.range(of: "/v2", options: .backwards) : nil) {
            c.path = String(path[..<r.lowerBound])
        }
        c.query = nil
        c.fragment = nil
        var text = c.string ?? url
        while text.hasSuffix("/") { text.removeLast() }
        return text
    }

    /// `<base>/v2/models/<model>/<endpoint>`, with the query items.
    func url(model: String, endpoint: String, query: [URLQueryItem] = []) -> URL {
        var c = URLComponents(string: base)!
        c.path += "/v2/models/\(model)/\(endpoint)"
        if !query.isEmpty { c.queryItems = query }
        return c.url!
    }

    /// A request with the bearer token, if any.
    func request(_ url: URL, method: String = "GET", body: [UInt8]? = nil) -> URLRequest {
        var request = URLRequest(url: url)
        request.httpMethod = method
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let body {
            request.httpBody = Data(body)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        return request
    }

    /// Reads the monitor window of `model` over `window` (`GET …/monitor?window=W&metric=M`): the series
    /// then carries `metric`, the one the report judges.
    /// - Throws: exit code 1 with a message naming the server and what it answered.
    func window(model: String, window: String, metric: String?, client: HTTPClient) throws -> JSON {
        var query = [URLQueryItem(name: "window", value: window)]
        if let metric { query.append(URLQueryItem(name: "metric", value: metric)) }
        let url = url(model: model, endpoint: "monitor", query: query)
        let response: HTTPClient.Response
        do { response = try client.send(request(url), attempts: client.attempts, describe: "GET \(url.absoluteString)") } catch {
            Terminal.error("cannot reach the server: \(error); is `sluice serve` running there? (--server URL names another)")
            throw ExitCode(1)
        }
        guard response.status == 200 else {
            let hint = response.status == 404 ? "; the server does not serve \(model), or has recorded nothing for it yet" : ""
            Terminal.error("GET \(url.absoluteString): HTTP \(response.status): \(response.snippet)\(hint)")
            throw ExitCode(1)
        }
        do { return try JSONParser.parse(response.body).value } catch {
            Terminal.error("GET \(url.absoluteString): the answer is not JSON: \(error)")
            throw ExitCode(1)
        }
    }
}
