import Foundation
import Synchronization
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import SluiceCore
import SluiceReconcile

/// Publishes to a server's repository API (`sluice serve`'s `/v2/repository/models/{name}`):
/// `PUT` the artifact with its digest (RFC 9530 `Content-Digest`) and metadata (`Sluice-Metadata`,
/// base64 JSON), `DELETE` to retire, `GET` to observe. The bearer token is read from the
/// environment variable the manifest names, at each call. Requests go through URLSession
/// (libcurl on Linux) with TLS verification on, a timeout, and retries with backoff for network
/// errors, 5xx and 429; any other non-2xx answer is an error naming the status and the body.
/// Redirects are never followed (the token would go with them): a 3xx is an error naming it.
public struct HTTPTarget: DeployTarget {
    public let url: String
    public let tokenEnv: String?
    let client: HTTPClient

    public init(url: String, tokenEnv: String?, client: HTTPClient = .shared) {
        self.url = url
        self.tokenEnv = tokenEnv
        self.client = client
    }

    /// Reads the server's status of the model: it must serve the expected version and digest,
    /// and its files there must load (a `reason` means they do not: the server keeps serving
    /// the previous instance only until it restarts).
    public func observe(_ expected: ExpectedContent) throws -> TargetObservation {
        let response = try send("GET", attempts: client.attempts)
        if response.status == 404 { return .drifted("\(url) does not hold the model") }
        try check(response, "GET")
        guard let json = try? JSONParser.parse(response.body).value, let digest = json["sha256"]?.stringValue else {
            return .drifted("\(url) answered GET without a sha256: \(response.snippet)")
        }
        guard digest == expected.artifactDigest else {
            return .drifted("\(url) holds sha256 \(digest.prefix(12)), expected \(expected.artifactDigest.prefix(12))")
        }
        if json["ready"]?.boolValue == false {
            return .drifted("\(url) holds the artifact but does not serve it: \(json["reason"]?.stringValue ?? "not ready")")
        }
        if let reason = json["reason"]?.stringValue {
            return .drifted("\(url) serves the model from memory, but its files there do not load: \(reason)")
        }
        if let version = json["version"]?.stringValue, version != expected.version {
            return .drifted("\(url) serves version \(version.prefix(12)), expected \(expected.version.prefix(12))")
        }
        return .matches
    }

    public func publish(artifact: [UInt8], metadata: [UInt8], files: [PublishedFile], fence: WriteFence) throws {
        if let file = files.first {
            // The manifest decoder refuses other formats for an http target; a hand-made call is an error.
            throw TargetError("deploy target \(url): an http target receives model.json only, not \(file.name); publish it to a directory or s3 target")
        }
        let digest = Data(SHA256.bytes(of: artifact)).base64EncodedString()
        let headers = [
            "Content-Type": "application/json",
            "Content-Digest": "sha-256=:\(digest):",
            "Sluice-Metadata": Data(metadata).base64EncodedString(),
        ]
        try check(try send("PUT", body: artifact, headers: headers, attempts: client.attempts, fence: fence), "PUT")
    }

    public func retire(fence: WriteFence) throws {
        let response = try send("DELETE", attempts: client.attempts, fence: fence)
        if response.status == 404 { return }  // already gone
        try check(response, "DELETE")
    }

    /// Checks that the token is set and that the server answers and accepts it (one `GET`, no retries).
    public func preflight() throws {
        let response = try send("GET", attempts: 1)
        if response.status == 404 { return }
        try check(response, "GET")
    }

    /// - Parameter fence: checked before each attempt of a request that changes the target.
    private func send(_ method: String, body: [UInt8]? = nil, headers: [String: String] = [:], attempts: Int,
                      fence: WriteFence = {}) throws -> HTTPClient.Response {
        guard let target = URL(string: url), ["http", "https"].contains(target.scheme?.lowercased() ?? "") else {
            throw TargetError("deploy url \(url) is not an http(s) URL")
        }
        var request = URLRequest(url: target)
        request.httpMethod = method
        request.httpBody = body.map { Data($0) }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        if let tokenEnv {
            guard let token = ProcessInfo.processInfo.environment[tokenEnv], !token.isEmpty else {
                throw TargetError("deploy target \(url): the environment variable \(tokenEnv) (spec.deploy.tokenEnv) is not set; export the server's bearer token in it")
            }
            request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        }
        return try client.send(request, attempts: attempts, describe: "\(method) \(url)", before: fence)
    }

    private func check(_ response: HTTPClient.Response, _ method: String) throws {
        switch response.status {
        case 200..<300: return
        case 300..<400:
            let location = response.location.map { "to \($0)" } ?? "without a Location"
            throw TargetError("\(method) \(url): HTTP \(response.status) redirect \(location), not followed: deploy calls carry the bearer token and never follow redirects; set spec.deploy.url to the URL that answers")
        case 401, 403:
            throw TargetError("\(method) \(url): HTTP \(response.status): \(response.snippet); check the token in \(tokenEnv.map { "$\($0)" } ?? "spec.deploy.tokenEnv (none is set)")")
        default:
            throw TargetError("\(method) \(url): HTTP \(response.status): \(response.snippet)")
        }
    }
}
