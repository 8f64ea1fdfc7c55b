import Foundation
import SluiceCore

/// AWS Signature Version 4 (the `Authorization: AWS4-HMAC-SHA256 …` header), as S3 wants it:
/// the canonical request, the string to sign, the signing key (an HMAC-SHA256 chain over the
/// day, the region, the service and `aws4_request`) and the signature.
///
/// Pure: no clock, no environment, no I/O; the caller passes the time and the credentials.
/// Tested against AWS's published examples (S3's GET/PUT object, the aws-sig-v4-test-suite).
/// S3's rules, not the other services': the path is URI-encoded once (the caller does it,
/// ``uriEncode(_:slash:)``) and never normalised (`a//b` and `./` are part of a key).
public enum SigV4 {
    /// The one algorithm Sluice signs with.
    public static let algorithm = "AWS4-HMAC-SHA256"

    /// One request to sign.
    public struct Request: Sendable, Equatable {
        /// `GET`, `PUT`, `HEAD`, `DELETE`, …
        public var method: String
        /// The URI-encoded path, as sent (`/bucket/a%20b.csv`).
        public var path: String
        /// The query parameters, not encoded (their order does not matter).
        public var query: [(name: String, value: String)]
        /// The headers to sign, `host` included (names in any case; values as sent).
        public var headers: [(name: String, value: String)]
        /// The SHA-256 of the body, in hexadecimal (also sent as `x-amz-content-sha256`).
        public var payloadHash: String

        public init(method: String, path: String, query: [(name: String, value: String)] = [], headers: [(name: String, value: String)],
                    payloadHash: String) {
            self.method = method
            self.path = path
            self.query = query
            self.headers = headers
            self.payloadHash = payloadHash
        }

        public static func == (a: Request, b: Request) -> Bool {
            a.method == b.method && a.path == b.path && a.payloadHash == b.payloadHash
                && a.query.elementsEqual(b.query, by: ==) && a.headers.elementsEqual(b.headers, by: ==)
        }
    }

    /// Where a signature is valid: the day, the region, the service.
    public struct Scope: Sendable, Equatable {
        public var region: String
        public var service: String
        public init(region: String, service: String = "s3") {
            self.region = region
            self.service = service
        }
    }

    /// The `Authorization` header's value and its parts.
    public struct Signature: Sendable, Equatable {
        public var authorization: String
        public var signedHeaders: String
        /// The signature alone, 64 hexadecimal characters. A secret of the request: never logged.
        public var signature: String
    }

    /// The SHA-256 of the empty body.
    public static let emptyPayloadHash = SHA256.hex(of: [UInt8]())

    /// Signs `request` at `date` (which must also be its `x-amz-date` header, ``amzDate(_:)``).
    public static func sign(_ request: Request, credentials: S3Credentials, scope: Scope, date: Date) -> Signature {
        let (canonical, signed) = canonicalRequest(request)
        let stamp = amzDate(date)
        let day = String(stamp.prefix(8))
        let credentialScope = "\(day)/\(scope.region)/\(scope.service)/aws4_request"
        let toSign = stringToSign(canonicalRequest: canonical, amzDate: stamp, credentialScope: credentialScope)
        let key = signingKey(secret: credentials.secretAccessKey, day: day, scope: scope)
        let signature = HMACSHA256.hex(HMACSHA256.mac(key: key, text: toSign))
        let authorization = "\(algorithm) Credential=\(credentials.accessKeyId)/\(credentialScope), SignedHeaders=\(signed), Signature=\(signature)"
        return Signature(authorization: authorization, signedHeaders: signed, signature: signature)
    }

    /// The canonical request and the list of signed headers (`host;x-amz-date`).
    public static func canonicalRequest(_ request: Request) -> (text: String, signedHeaders: String) {
        var headers: [String: [String]] = [:]
        for (name, value) in request.headers {
            headers[name.lowercased(), default: []].append(trimmed(value))
        }
        let names = headers.keys.sorted()
        let canonicalHeaders = names.map { "\($0):\(headers[$0]!.joined(separator: ","))\n" }.joined()
        let signed = names.joined(separator: ";")
        let text = [request.method, request.path, canonicalQuery(request.query), canonicalHeaders, signed, request.payloadHash]
            .joined(separator: "\n")
        return (text, signed)
    }

    /// The query in canonical form: names and values URI-encoded, sorted by name then value,
    /// `name=value` joined by `&` (an empty value keeps its `=`).
    public static func canonicalQuery(_ query: [(name: String, value: String)]) -> String {
        let encoded: [(name: String, value: String)] = query.map { item in
            (uriEncode(item.name, slash: true), uriEncode(item.value, slash: true))
        }
        let sorted = encoded.sorted { a, b in a.name == b.name ? a.value < b.value : a.name < b.name }
        return sorted.map { item in item.name + "=" + item.value }.joined(separator: "&")
    }

    /// The string to sign: the algorithm, the time, the scope and the canonical request's hash.
    public static func stringToSign(canonicalRequest: String, amzDate: String, credentialScope: String) -> String {
        [algorithm, amzDate, credentialScope, SHA256.hex(of: canonicalRequest)].joined(separator: "\n")
    }

    /// `HMAC(HMAC(HMAC(HMAC("AWS4" + secret, day), region), service), "aws4_request")`.
    public static func signingKey(secret: String, day: String, scope: Scope) -> [UInt8] {
        var key = HMACSHA256.mac(key: Array("AWS4\(secret)".utf8), text: day)
        key = HMACSHA256.mac(key: key, text: scope.region)
        key = HMACSHA256.mac(key: key, text: scope.service)
        return HMACSHA256.mac(key: key, text: "aws4_request")
    }

    /// SigV4's URI encoding: every byte of the UTF-8 form but `A–Z a–z 0–9 - _ . ~` as `%XX`
    /// (upper-case hex); `/` too unless `slash` is false (an object key's path, whose
    /// segments it encodes one by one).
    public static func uriEncode(_ text: String, slash: Bool) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.append(byte)
            case UInt8(ascii: "/") where !slash:
                out.append(byte)
            default:
                out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 15)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The `x-amz-date` form of `date`: `20130524T000000Z` (UTC).
    public static func amzDate(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(format: "%04d%02d%02dT%02d%02d%02dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
                      Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
    }

    /// A header value as signed: spaces around it removed, runs of spaces inside made one.
    static func trimmed(_ value: String) -> String {
        value.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
    }
}
