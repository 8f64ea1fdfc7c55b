/// An S3 request could not be made, or S3 refused it.
public struct S3Error: Error, CustomStringConvertible, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }

    /// What an S3 error answer says, for a person: `HTTP 403 InvalidAccessKeyId: The AWS Access
    /// Key Id you provided does not exist in our records.; check AWS_ACCESS_KEY_ID /
    /// AWS_SECRET_ACCESS_KEY`. The status, the `Code` and `Message` of S3's XML error body (a
    /// `HEAD` has none: the status says it), and what to do about it. Nothing else of the body
    /// is kept: S3's `SignatureDoesNotMatch` body repeats the signature and the string to sign.
    ///
    /// Pure; tested in-process.
    /// - Parameters:
    ///   - status: the HTTP status.
    ///   - body: the first bytes of the body.
    ///   - endpoint: the endpoint's variable and URL (`AWS_ENDPOINT_URL=http://…`), if one is set.
    public static func answer(status: Int, body: [UInt8], endpoint: String? = nil) -> String {
        let xml = String(decoding: body, as: UTF8.self)
        let code = element("Code", in: xml).map { FetchMessages.excerpt(Array($0.utf8), contentType: "text/plain") }
        let message = element("Message", in: xml).map { FetchMessages.excerpt(Array($0.utf8), contentType: "text/plain") }
        var text = "HTTP \(status)"
        if let code, !code.isEmpty { text += " \(code)" }
        if let message, !message.isEmpty {
            text += ": \(message)"
        } else if code == nil, !body.isEmpty, !xml.contains("<Error") {
            text += ": " + FetchMessages.excerpt(body, contentType: nil)  // not S3's XML: a proxy's page, say
        }
        if let hint = hint(status: status, code: code, endpoint: endpoint) { text += "; " + hint }
        return text
    }

    /// What to do about an error answer, when it is clear.
    static func hint(status: Int, code: String?, endpoint: String?) -> String? {
        let credentials = "check \(S3Settings.accessKeyVariable) / \(S3Settings.secretVariable)"
        switch code {
        case "InvalidAccessKeyId", "SignatureDoesNotMatch", "InvalidToken", "ExpiredToken", "TokenRefreshRequired":
            return credentials + (code?.contains("Token") == true ? " / \(S3Settings.sessionTokenVariable)" : "")
        case "AccessDenied", "AllAccessDisabled":
            return "the credentials may not do this: \(credentials), or the bucket's policy"
        case "NoSuchBucket":
            return "the bucket does not exist\(endpoint.map { " at \($0)" } ?? ""); create it, or fix the bucket in the URL"
        case "NoSuchKey":
            return "no object has this key; check the URL"
        case "PermanentRedirect", "AuthorizationHeaderMalformed", "IllegalLocationConstraintException":
            return "the bucket is in another region; set AWS_REGION to the bucket's region"
        case "RequestTimeTooSkewed":
            return "this machine's clock is off; correct it (NTP)"
        case .some: return nil
        case nil:
            switch status {
            case 401, 403: return credentials
            case 404: return "the bucket or the object does not exist\(endpoint.map { " at \($0)" } ?? "")"
            case 301: return "the bucket is in another region; set AWS_REGION to the bucket's region"
            default: return nil
            }
        }
    }

    /// The `Code` of an S3 error body, if it has one.
    public static func code(_ body: [UInt8]) -> String? {
        element("Code", in: String(decoding: body, as: UTF8.self))
    }

    /// The text of the first `<name>` element (entities decoded).
    static func element(_ name: String, in xml: String) -> String? {
        guard let open = xml.range(of: "<\(name)>"), let close = xml.range(of: "</\(name)>", range: open.upperBound..<xml.endIndex) else {
            return nil
        }
        return FetchMessages.decodeEntities(String(xml[open.upperBound..<close.lowerBound]))
    }
}
