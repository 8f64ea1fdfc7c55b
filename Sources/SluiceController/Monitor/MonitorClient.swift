import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import SluiceCore
import SluiceManifest

/// Reads `GET <server>/v2/models/<name>/monitor?window=<seconds>s` from a `sluice serve`: one
/// attempt and a short timeout, so that an unreachable server costs a check little.
struct MonitorClient: Sendable {
    let client: HTTPClient

    /// - Parameter timeout: seconds a request may take (connect and answer).
    init(timeout: Double = 10) {
        client = HTTPClient(timeout: timeout, attempts: 1)
    }

    /// The window's JSON.
    /// - Throws: ``MonitorProblem`` saying what the server answered (or why it did not), and what to do.
    func window(_ model: MonitoredModel) throws -> JSON {
        guard let server = model.spec.serverURL(deploy: model.deploy) else {
            throw MonitorProblem("spec.monitor.server is not set, and a directory target has no server to read; set it to the URL of the sluice serve that serves the model")
        }
        let address = "\(server)/v2/models/\(model.name)/monitor?window=\(Int(model.spec.window.rounded(.up)))s"
        guard let url = URL(string: address) else { throw MonitorProblem("\(address) is not a URL; check spec.monitor.server") }
        var request = URLRequest(url: url)
        request.httpMethod = "GET"
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        // The bearer token goes only to the server of the http target it belongs to.
        if case .http(let target, let tokenEnv?) = model.deploy, target.hasPrefix(server + "/") || target == server,
           let token = ProcessInfo.processInfo.environment[tokenEnv], !token.isEmpty {
            request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        }
        let response: HTTPClient.Response
        do { response = try client.send(request, attempts: 1, describe: "GET \(address)") } catch {
            throw MonitorProblem("\(error); is sluice serve running there? (spec.monitor.server)")
        }
        switch response.status {
        case 200..<300: break
        case 404:
            throw MonitorProblem("GET \(address): HTTP 404: \(response.snippet); the server does not serve \(model.name), or has no monitor endpoint (check spec.monitor.server)")
        case 401, 403:
            throw MonitorProblem("GET \(address): HTTP \(response.status): \(response.snippet); check the token in spec.deploy.tokenEnv")
        default:
            throw MonitorProblem("GET \(address): HTTP \(response.status): \(response.snippet)")
        }
        do { return try JSONParser.parse(response.body).value } catch {
            throw MonitorProblem("GET \(address) answered with something that is not JSON (\(error.message)): \(response.snippet)")
        }
    }
}

/// Why a check could not judge a model: shown on its monitor status, never thrown further.
struct MonitorProblem: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
