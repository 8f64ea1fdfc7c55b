import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
@testable import SluiceController
import SluiceSystem

/// Which redirects are followed, and with which credentials (D7). The real requests are in
/// SluiceCLITests/CredentialTests; these are the decisions alone.
@Suite struct RedirectPolicyTests {
    func request(_ url: String, authorization: String? = "Bearer T") -> URLRequest {
        var r = URLRequest(url: URL(string: url)!)
        r.setValue(authorization, forHTTPHeaderField: "Authorization")
        return r
    }

    @Test func deployCallsFollowNoRedirect() {
        let original = URL(string: "https://models.example.com/v2/repository/models/a")!
        #expect(RedirectPolicy.refuse.follow(request("https://models.example.com/other"), from: original) == nil)
        #expect(RedirectPolicy.refuse.follow(request("https://evil.example.net/"), from: original) == nil)
    }

    @Test func downloadsKeepCredentialsOnlyWithinTheirOrigin() throws {
        let policy = RedirectPolicy.withoutCrossOriginCredentials
        let original = URL(string: "https://data.example.com/d.csv")!
        let same = try #require(policy.follow(request("https://data.example.com:443/e.csv"), from: original))
        #expect(same.value(forHTTPHeaderField: "Authorization") == "Bearer T")
        let away = try #require(policy.follow(request("https://cdn.example.net/e.csv"), from: original))
        #expect(away.value(forHTTPHeaderField: "Authorization") == nil)
        let port = try #require(policy.follow(request("https://data.example.com:8443/e.csv"), from: original))
        #expect(port.value(forHTTPHeaderField: "Authorization") == nil, "another port is another origin")
        let userinfo = try #require(policy.follow(request("https://u:p@cdn.example.net/e.csv"), from: original))
        #expect(userinfo.url?.absoluteString == "https://cdn.example.net/e.csv")
        #expect(policy.follow(request("http://data.example.com/d.csv"), from: original) == nil, "never https to http")
    }
}

/// Credentials split out of a `--git` URL, for git's environment (D12).
@Suite struct GitCredentialsTests {
    @Test func credentialsAreSplitOutOfTheURL() {
        let (url, credentials) = GitCredentials.split("https://bob:p%40ss:word@git.example.com/org/repo.git")
        #expect(url == "https://git.example.com/org/repo.git")
        #expect(credentials == GitCredentials(username: "bob", password: "p@ss:word"))
        let token = GitCredentials.split("https://ghp_TOKEN@github.com/org/repo.git")
        #expect(token.url == "https://github.com/org/repo.git" && token.credentials == GitCredentials(username: "ghp_TOKEN", password: ""))
        for plain in ["/srv/repos/models.git", "git@github.com:org/repo.git", "https://git.example.com/r.git"] {
            let split = GitCredentials.split(plain)
            #expect(split.url == plain && split.credentials == nil)
        }
    }

    @Test func theSourceShowsAndClonesTheURLWithoutThem() {
        let source = GitSource(url: "https://bob:SECRET@git.example.com/r.git", branch: "main", path: "manifests",
                               checkouts: URL(fileURLWithPath: "/tmp/checkouts"))
        #expect(source.url == "https://git.example.com/r.git")
        #expect(source.description == "git https://git.example.com/r.git branch main")
        #expect(!source.root.path.contains("SECRET"))
        let rotated = GitSource(url: "https://bob:OTHER@git.example.com/r.git", branch: "main", path: "manifests",
                                checkouts: URL(fileURLWithPath: "/tmp/checkouts"))
        #expect(rotated.root == source.root, "new credentials keep the clone")
    }
}
