import Foundation
import Testing
import SluiceCore

/// Secrets stay where they were given: a deploy token never follows a redirect to another
/// host (D7), and credentials in a `--git` URL or a dataset URL are never logged, stored,
/// published or put on a command line (D12). The real binary, real HTTP on 127.0.0.1, real git.
@Suite struct CredentialTests {
    /// The shipped iris CSV.
    static func iris() throws -> String {
        try String(contentsOf: Sandbox.repository.appendingPathComponent("examples/data/iris.csv"), encoding: .utf8)
    }

    /// Every file below `directory`, as text (lossy), for searching.
    func everything(below directory: URL) -> String {
        var text = ""
        let files = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil)
        while let file = files?.nextObject() as? URL {
            if let data = FileManager.default.contents(atPath: file.path) { text += String(decoding: data, as: UTF8.self) }
        }
        return text
    }

    @Test func theDeployTokenIsNeverSentAlongARedirect() async throws {
        let elsewhere = try await LoopbackServer { _ in .init(status: 200, body: Array("{}".utf8)) }
        let location = "http://localhost:\(elsewhere.port)/v2/repository/models/red"
        let redirecting = try await LoopbackServer { r in
            .init(status: 307, headers: ["Location": location], body: Array("moved".utf8))
        }
        let s = try Sandbox()
        try s.edit("manifests/iris.json") { m in
            m.set("spec.deploy", ["target": "http", "url": .string(redirecting.base + "/v2/repository/models/red"), "tokenEnv": "DEPLOY_TOKEN"])
        }
        let apply = try s.run(["apply"], environment: ["DEPLOY_TOKEN": "SUPERSECRET-42"])
        #expect(apply.status == 1, "\(apply.output)")
        #expect(elsewhere.requests.isEmpty, "the other host received \(elsewhere.requests)")
        #expect(redirecting.requests.contains { $0.authorization == "Bearer SUPERSECRET-42" }, "the target itself got the token")
        // The error names the redirect and what to do.
        #expect(apply.output.contains("HTTP 307 redirect to \(location)"), "\(apply.output)")
        #expect(apply.output.contains("set spec.deploy.url"), "\(apply.output)")
        #expect(!apply.output.contains("SUPERSECRET"))
        await redirecting.stop()
        await elsewhere.stop()
    }

    @Test func downloadsFollowRedirectsButCredentialsStayWithTheirOrigin() async throws {
        let csv = Array(try Self.iris().utf8)
        let elsewhere = try await LoopbackServer { _ in .init(status: 200, body: csv) }
        let origin = try await LoopbackServer { r in
            if r.path.hasPrefix("/moved.csv") { return .init(status: 302, headers: ["Location": "/data.csv"]) }
            if r.path.hasPrefix("/away.csv") { return .init(status: 302, headers: ["Location": "http://localhost:\(elsewhere.port)/data.csv"]) }
            guard r.authorization != nil else { return .init(status: 401, headers: ["WWW-Authenticate": "Basic realm=\"data\""]) }
            return .init(status: 200, body: csv)
        }
        let s = try Sandbox()
        try s.remove("manifests/iris.json")
        let host = "alice:PWSECRET@127.0.0.1:\(origin.port)"
        try s.write("manifests/same.json", s.manifest(name: "same", source: "http://\(host)/moved.csv"))
        try s.write("manifests/away.json", s.manifest(name: "away", source: "http://\(host)/away.csv"))
        let apply = try s.run("apply")
        #expect(apply.status == 0, "\(apply.output)")
        #expect(origin.requests.contains { $0.path == "/data.csv" && $0.authorization != nil }, "same origin: followed with credentials")
        #expect(elsewhere.requests.count == 1)
        #expect(elsewhere.requests.allSatisfy { $0.authorization == nil }, "another origin: followed without them")
        await origin.stop()
        await elsewhere.stop()
    }

    @Test func datasetURLSecretsAreNeverPublishedNorStored() async throws {
        let server = try await DatasetServer(body: try Self.iris())
        let s = try Sandbox()
        let url = "http://alice:PWSECRET@127.0.0.1:\(server.port)/data.csv?X-Amz-Signature=SIGSECRET&v=2"
        try s.edit("manifests/iris.json") { $0.set("spec.dataset.source", .string(url)) }
        let apply = try s.run("apply", "-v")
        #expect(apply.status == 0, "\(apply.output)")
        let metadata = try s.read("deploy/iris/metadata.json")
        #expect(metadata.contains("http://***@127.0.0.1:\(server.port)/data.csv?X-Amz-Signature=***&v=2"), "\(metadata)")
        let history = try s.run("history", "iris", "--json").stdout
        for (place, text) in [("output", apply.output), ("metadata.json", metadata), ("history", history),
                              ("the store", everything(below: s.url(".sluice")))] {
            #expect(!text.contains("PWSECRET") && !text.contains("SIGSECRET"), "a secret in \(place)")
        }
        // Redacting what is stored does not make the unchanged model look changed.
        #expect(try s.run("plan", "--detailed-exitcode").status == 0)
        await server.stop()
    }

    @Test func gitCredentialsReachGitOnlyThroughItsEnvironment() async throws {
        // A bare repository served over git's "dumb" HTTP protocol, behind basic authentication.
        let up = try Sandbox()
        try up.commitAll()
        let bare = up.url("served.git")
        try up.git("clone", "-q", "--bare", up.root.path, bare.path)
        try up.git("-C", bare.path, "update-server-info")
        let expected = "Basic " + Data("bob:GITSECRET".utf8).base64EncodedString()
        let server = try await LoopbackServer { r in
            guard r.authorization == expected else { return .init(status: 401, headers: ["WWW-Authenticate": "Basic realm=\"git\""]) }
            let path = String(r.path.dropFirst("/repo.git".count).prefix { $0 != "?" })
            guard let data = FileManager.default.contents(atPath: bare.path + path) else { return .init(status: 404) }
            return .init(status: 200, body: [UInt8](data))
        }
        // A `git` first on the PATH that records its command lines, as `ps` would show them.
        let ctl = try Sandbox(shipped: false)
        let argv = ctl.url("git-argv.log")
        try ctl.write("bin/git", "#!/bin/sh\necho \"$@\" >> '\(argv.path)'\nexec /usr/bin/git \"$@\"\n")
        chmod(ctl.url("bin/git").path, 0o755)
        let path = ctl.url("bin").path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        let c = try ControllerProcess(ctl, ["--git", "http://bob:GITSECRET@127.0.0.1:\(server.port)/repo.git", "--interval", "0.3",
                                            "--listen", "off", "--lease-duration", "5"], environment: ["PATH": path])
        #expect(waitUntil(timeout: 60) { ctl.publishedVersion("deploy/iris") != nil }, "\(c.output)")
        #expect(c.signal(SIGTERM)?.status == 0, "\(c.output)")
        let commands = try ctl.read("git-argv.log")
        #expect(commands.contains("clone") && commands.contains("http://127.0.0.1:\(server.port)/repo.git"), "\(commands)")
        #expect(c.output.contains("git http://127.0.0.1:\(server.port)/repo.git branch main"), "\(c.output)")
        #expect(c.output.contains("every user of this host can read a command line"), "the operator is told to move them")
        for (place, text) in [("a git command line", commands), ("the log", c.output), ("the store and the clone", everything(below: ctl.url(".sluice"))),
                              ("metadata.json", try ctl.read("deploy/iris/metadata.json"))] {
            #expect(!text.contains("GITSECRET"), "the git password in \(place)")
        }
        await server.stop()
    }
}
