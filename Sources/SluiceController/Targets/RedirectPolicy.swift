import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Which HTTP redirects Sluice follows. Credentials (an `Authorization` header, a URL's
/// `user:password@`, cookies) are never sent to another origin than the one they were given for.
public enum RedirectPolicy: Sendable {
    /// Follow none: the redirect itself is the answer (deploy calls, which carry the bearer token
    /// and the artifact; the error names the redirect so the URL can be corrected).
    case refuse
    /// Follow same-origin redirects as they are; follow a redirect to another origin only without
    /// credentials; never follow `https` to `http` (dataset downloads: a CDN or a signed URL may
    /// answer from elsewhere).
    case withoutCrossOriginCredentials

    /// The request to send for a redirect, or `nil` not to follow it.
    /// - Parameters:
    ///   - redirect: the request URLSession would send next.
    ///   - original: the URL first requested (the origin the credentials belong to).
    public func follow(_ redirect: URLRequest, from original: URL?) -> URLRequest? {
        guard case .withoutCrossOriginCredentials = self, let target = redirect.url, let original else { return nil }
        if original.scheme?.lowercased() == "https" && target.scheme?.lowercased() != "https" { return nil }
        if Self.sameOrigin(original, target) { return redirect }
        var bare = redirect
        for header in ["Authorization", "Proxy-Authorization", "Cookie"] { bare.setValue(nil, forHTTPHeaderField: header) }
        if var parts = URLComponents(url: target, resolvingAgainstBaseURL: false), parts.user != nil || parts.password != nil {
            parts.user = nil
            parts.password = nil
            bare.url = parts.url
        }
        return bare
    }

    /// Whether two URLs share scheme, host and port (RFC 6454), default ports included.
    public static func sameOrigin(_ a: URL, _ b: URL) -> Bool {
        func origin(_ u: URL) -> (String, String, Int) {
            let scheme = u.scheme?.lowercased() ?? ""
            return (scheme, u.host?.lowercased() ?? "", u.port ?? (scheme == "https" ? 443 : 80))
        }
        return origin(a) == origin(b)
    }

    /// A task delegate applying this policy (set as `task.delegate` before `resume()`).
    var delegate: RedirectDelegate { RedirectDelegate(policy: self) }
}
