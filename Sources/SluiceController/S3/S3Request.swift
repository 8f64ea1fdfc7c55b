import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import SluiceCore

/// A signed request for an object (``S3Address``, ``SigV4``): `x-amz-date`,
/// `x-amz-content-sha256` (the body's SHA-256), `x-amz-security-token` when there is a session
/// token, and the `Authorization` header; the caller's headers (`If-None-Match`,
/// `Content-Type`) are signed too.
///
/// Pure but for building the `URLRequest`: the time and the settings come from the caller.
public enum S3Request {
    /// - Parameters:
    ///   - headers: more headers to send and sign.
    ///   - timeout: seconds without data before the request fails.
    /// - Throws: ``S3Error`` when credentials are missing or the endpoint is not a URL.
    public static func make(_ method: String, _ object: S3Object, settings: S3Settings, date: Date, body: [UInt8]? = nil,
                            headers: [String: String] = [:], timeout: Double = 30) throws(S3Error) -> URLRequest {
        let credentials = try settings.requireCredentials(for: object.description)
        let address = try S3Address(object, settings: settings)
        let payloadHash = body.map { SHA256.hex(of: $0) } ?? SigV4.emptyPayloadHash
        var signed: [(name: String, value: String)] = [
            ("host", address.host),
            ("x-amz-content-sha256", payloadHash),
            ("x-amz-date", SigV4.amzDate(date)),
        ]
        if let token = credentials.sessionToken { signed.append(("x-amz-security-token", token)) }
        signed += headers.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        let signature = SigV4.sign(SigV4.Request(method: method, path: address.path, headers: signed, payloadHash: payloadHash),
                                   credentials: credentials, scope: SigV4.Scope(region: settings.region), date: date)
        var request = URLRequest(url: address.url)
        request.httpMethod = method
        request.timeoutInterval = timeout
        for (name, value) in signed where name != "host" { request.setValue(value, forHTTPHeaderField: name) }
        request.setValue(signature.authorization, forHTTPHeaderField: "Authorization")
        request.setValue("sluice/\(sluiceVersion)", forHTTPHeaderField: "User-Agent")
        if let body { request.httpBody = Data(body) }
        return request
    }
}
