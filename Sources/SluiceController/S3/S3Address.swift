import Foundation

/// Where a request for an object goes, and the path and host it is signed with.
///
/// - With an endpoint (`AWS_ENDPOINT_URL_S3` / `AWS_ENDPOINT_URL`, an S3-compatible server):
///   path-style, `ENDPOINT/BUCKET/KEY` (the endpoint's own path, if any, first).
/// - Without one (AWS): virtual-hosted, `https://BUCKET.s3.REGION.amazonaws.com/KEY`; path-style
///   `https://s3.REGION.amazonaws.com/BUCKET/KEY` for a bucket with a dot in its name, which no
///   wildcard certificate covers (as the AWS SDKs do).
///
/// The key is URI-encoded once, segment by segment (``SigV4/uriEncode(_:slash:)``): a space,
/// `+`, `$` and non-ASCII characters are sent and signed as `%XX`, `/` stays.
///
/// Pure; tested in-process.
public struct S3Address: Sendable, Equatable {
    public var url: URL
    /// The encoded path, as sent and as signed.
    public var path: String
    /// The `Host` header's value: the host, and the port unless it is the scheme's default.
    public var host: String
    public var pathStyle: Bool

    /// The address of `object` under `settings`.
    /// - Throws: ``S3Error`` when the endpoint variable is not an http(s) URL.
    public init(_ object: S3Object, settings: S3Settings) throws(S3Error) {
        let key = object.key.isEmpty ? "" : "/" + SigV4.uriEncode(object.key, slash: false)
        let scheme: String
        let base: String
        if let endpoint = settings.endpoint {
            guard let parts = URLComponents(string: endpoint.url), let s = parts.scheme?.lowercased(), ["http", "https"].contains(s),
                  let name = parts.host, !name.isEmpty, parts.query == nil, parts.user == nil else {
                throw S3Error("\(settings.endpointDescription ?? endpoint.variable) is not an http(s)://HOST[:PORT] URL; set it to the S3 server's endpoint, e.g. http://127.0.0.1:8333")
            }
            scheme = s
            host = Self.host(name, port: parts.port, scheme: s)
            var prefix = Substring(parts.percentEncodedPath)
            while prefix.hasSuffix("/") { prefix = prefix.dropLast() }
            base = String(prefix)
            pathStyle = true
        } else if object.bucket.contains(".") {
            scheme = "https"
            host = "s3.\(settings.region).amazonaws.com"
            base = ""
            pathStyle = true
        } else {
            scheme = "https"
            host = "\(object.bucket).s3.\(settings.region).amazonaws.com"
            base = ""
            pathStyle = false
        }
        if pathStyle {
            path = base + "/" + SigV4.uriEncode(object.bucket, slash: true) + key
        } else {
            path = key.isEmpty ? "/" : key
        }
        guard let url = URL(string: "\(scheme)://\(host)\(path)") else {
            throw S3Error("\(object): cannot make a URL of \(scheme)://\(host)\(path)")
        }
        self.url = url
    }

    /// `host[:port]`, the port left out when it is the scheme's default (as libcurl sends it).
    static func host(_ name: String, port: Int?, scheme: String) -> String {
        let bracketed = name.contains(":") && !name.hasPrefix("[") ? "[\(name)]" : name
        guard let port, port != (scheme == "https" ? 443 : 80) else { return bracketed.lowercased() }
        return "\(bracketed.lowercased()):\(port)"
    }
}
