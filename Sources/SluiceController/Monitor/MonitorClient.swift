import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import SluiceCore
import SluiceManifest
import SluiceReconcile

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
        let (address, body) = try get(model, "monitor?window=\(Int(model.spec.window.rounded(.up)))s")
        do { return try JSONParser.parse(body).value } catch {
            throw MonitorProblem("GET \(address) answered with something that is not JSON (\(error.message)): \(HTTPClient.Response(status: 200, body: body).snippet)")
        }
    }

    /// The labelled rows the server logged for the model (`GET …/monitor/rows?labelled=true`), every
    /// page of them, oldest first, at most `limit`.
    /// - Throws: ``MonitorProblem`` when the server cannot be read or a line does not read.
    func labelledRows(_ model: MonitoredModel, limit: Int = 1_000_000) throws -> [FeedbackSnapshot.Labelled] {
        var out: [FeedbackSnapshot.Labelled] = []
        var since = 0.0
        let page = 100_000
        while out.count < limit {
            let (address, body) = try get(model, "monitor/rows?labelled=true&since=\(JSON.number(since).canonical())&limit=\(page)")
            var count = 0
            var last = since
            for (i, line) in body.split(separator: UInt8(ascii: "\n")).enumerated() where !line.isEmpty {
                count += 1
                let row: FeedbackSnapshot.Labelled
                do { row = try Self.labelled(Array(line)) } catch {
                    throw MonitorProblem("GET \(address): line \(i + 1) is not a logged row: \(error)")
                }
                out.append(row)
                last = max(last, row.time)
            }
            // A full page goes on from its last time (rows at that time come again: the snapshot
            // counts each row once); a page whose rows all share one time cannot go on.
            guard count == page, last > since else { break }
            since = last
        }
        return out
    }

    /// One line of `…/monitor/rows`.
    static func labelled(_ line: [UInt8]) throws -> FeedbackSnapshot.Labelled {
        let json = try JSONParser.parse(line).value
        guard case .string(let id)? = json["id"], let row = json["row"]?.doubleValue, row >= 0, row == row.rounded(), row < 1e15,
              let time = json["ts"]?.doubleValue, time.isFinite, case .object(let features)? = json["features"], let truth = json["truth"]
        else { throw MonitorProblem("expected an object with id, row, ts, features and truth") }
        return FeedbackSnapshot.Labelled(id: id, row: Int(row), time: time, features: features, truth: truth, version: json["version"]?.stringValue)
    }

    /// `GET <server>/v2/models/<name>/<path>`: the address and the body of a 2xx answer.
    private func get(_ model: MonitoredModel, _ path: String) throws -> (String, [UInt8]) {
        guard let server = model.spec.serverURL(deploy: model.deploy) else {
            throw MonitorProblem("spec.monitor.server is not set, and a directory target has no server to read; set it to the URL of the sluice serve that serves the model")
        }
        let address = "\(server)/v2/models/\(model.name)/\(path)"
        guard let url = URL(string: address) else { throw MonitorProblem("\(address) is not a URL; check spec.monitor.server") }
        var request = URLRequest(url: url)
        request.httpMethod = "GET"
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        // The bearer token goes only to the server of the http target it belongs to.
        var tokenHint = "the controller sends a token only to the server of an http deploy target that sets spec.deploy.tokenEnv (sluice serve --token guards the row log and the repository API); deploy to that server over http with tokenEnv set"
        if case .http(let target, let tokenEnv?) = model.deploy, target.hasPrefix(server + "/") || target == server {
            if let token = ProcessInfo.processInfo.environment[tokenEnv], !token.isEmpty {
                request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
                tokenHint = "check the token in spec.deploy.tokenEnv (\(tokenEnv))"
            } else {
                tokenHint = "spec.deploy.tokenEnv names \(tokenEnv), which is not set in the controller's environment; set it to the server's token"
            }
        }
        let response: HTTPClient.Response
        do { response = try client.send(request, attempts: 1, describe: "GET \(address)") } catch {
            throw MonitorProblem("\(error); is sluice serve running there? (spec.monitor.server)")
        }
        switch response.status {
        case 200..<300: return (address, response.body)
        case 404:
            throw MonitorProblem("GET \(address): HTTP 404: \(response.snippet); the server does not serve \(model.name), or has no monitor endpoint (check spec.monitor.server)")
        case 401, 403:
            throw MonitorProblem("GET \(address): HTTP \(response.status): \(response.snippet); \(tokenHint)")
        default:
            throw MonitorProblem("GET \(address): HTTP \(response.status): \(response.snippet)")
        }
    }
}

/// Why a check could not judge a model: shown on its monitor status, never thrown further.
struct MonitorProblem: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
