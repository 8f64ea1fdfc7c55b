/// Keeps secrets in URLs out of everything Sluice writes for people or keeps: logs, errors, store
/// records, published `metadata.json`. One function for all of them, so that none is forgotten.
///
/// A URL's user information (`user:password@`, a token as user name) becomes `***@`, and the
/// value of every query parameter whose name says it is a secret (a signature, a token, a key,
/// a password, a credential: `X-Amz-Signature`, `sig`, `access_token`, `api_key`, …) becomes
/// `***`. Everything else is kept as written, byte for byte, so that the URL stays recognisable.
public enum Redaction {
    /// What a secret is replaced with.
    public static let mask = "***"

    /// `url` with its user information and secret query values masked; text that is not a URL
    /// with `://` comes back unchanged.
    /// - Complexity: O(n) in the length of `url`.
    public static func url(_ url: String) -> String {
        guard let schemeEnd = url.firstRange(of: "://") else { return url }
        let afterScheme = schemeEnd.upperBound
        let authorityEnd = url[afterScheme...].firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? url.endIndex
        var out = String(url[..<afterScheme])
        let authority = url[afterScheme..<authorityEnd]
        if let at = authority.lastIndex(of: "@") {
            out += mask + authority[at...]
        } else {
            out += authority
        }
        let rest = url[authorityEnd...]
        guard let question = rest.firstIndex(of: "?") else { return out + rest }
        out += rest[...question]
        let queryEnd = rest[question...].firstIndex(of: "#") ?? rest.endIndex
        let query = rest[rest.index(after: question)..<queryEnd]
        out += query.split(separator: "&", omittingEmptySubsequences: false).map { pair -> String in
            guard let equals = pair.firstIndex(of: "="), isSecret(name: pair[..<equals]) else { return String(pair) }
            return pair[...equals] + mask
        }.joined(separator: "&")
        return out + rest[queryEnd...]
    }

    /// `text` with every URL in it (`scheme://…` up to white space or a quote) redacted by ``url(_:)``.
    /// - Complexity: O(n) in the length of `text`.
    public static func text(_ text: String) -> String {
        guard text.contains("://") else { return text }
        return text.replacing(#/[A-Za-z][A-Za-z0-9+.\-]*://[^\s"'<>`]+/#) { match in url(String(match.output)) }
    }

    /// `json` with every string (keys excepted) redacted by ``text(_:)``.
    public static func json(_ json: JSON) -> JSON {
        switch json {
        case .string(let s): return .string(text(s))
        case .array(let items): return .array(items.map(Self.json))
        case .object(let members): return .object(members.mapValues(Self.json))
        case .null, .bool, .number: return json
        }
    }

    /// Whether a query parameter's name says its value is a secret.
    static func isSecret(name: Substring) -> Bool {
        let lower = name.lowercased()
        return ["sig", "token", "secret", "pass", "pwd", "key", "credential", "auth", "session"].contains { lower.contains($0) }
    }
}
