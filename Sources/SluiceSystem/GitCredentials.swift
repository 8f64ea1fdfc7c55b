import Foundation

/// A user name and password (or token) for a git remote over HTTP(S), kept out of every command
/// line (`ps` shows those to every user) and out of the clone's configuration: git asks for them
/// through a credential helper given in the environment (`GIT_CONFIG_COUNT`, git 2.31 or later)
/// that reads them from two environment variables of its own process.
public struct GitCredentials: Sendable, Equatable {
    public var username: String
    public var password: String

    public init(username: String, password: String) {
        self.username = username
        self.password = password
    }

    /// Splits the credentials out of a URL: the URL without its user information, and the
    /// credentials it held (percent-decoded), if any.
    public static func split(_ url: String) -> (url: String, credentials: GitCredentials?) {
        guard let schemeEnd = url.range(of: "://") else { return (url, nil) }
        let authorityEnd = url[schemeEnd.upperBound...].firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? url.endIndex
        guard let at = url[schemeEnd.upperBound..<authorityEnd].lastIndex(of: "@") else { return (url, nil) }
        let info = url[schemeEnd.upperBound..<at]
        let user = info.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        let decode = { (s: Substring) in s.removingPercentEncoding ?? String(s) }
        let credentials = GitCredentials(username: decode(user[0]), password: user.count > 1 ? decode(user[1]) : "")
        return (String(url[..<schemeEnd.upperBound]) + url[url.index(after: at)...], credentials)
    }

    /// The environment that gives git these credentials and no others: the helper list is
    /// emptied, then one helper answers `get` from `SLUICE_GIT_USERNAME` / `SLUICE_GIT_PASSWORD`.
    var environment: [String: String] {
        [
            "GIT_CONFIG_COUNT": "2",
            "GIT_CONFIG_KEY_0": "credential.helper", "GIT_CONFIG_VALUE_0": "",
            "GIT_CONFIG_KEY_1": "credential.helper",
            "GIT_CONFIG_VALUE_1": #"!f() { test "$1" = get || exit 0; echo "username=$SLUICE_GIT_USERNAME"; echo "password=$SLUICE_GIT_PASSWORD"; }; f"#,
            "SLUICE_GIT_USERNAME": username, "SLUICE_GIT_PASSWORD": password,
        ]
    }
}
