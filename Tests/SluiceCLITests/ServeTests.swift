import Foundation
import Testing
import SluiceCore

/// `sluice apply` publishing over HTTP to a running `sluice serve`: the http deploy target end to
/// end, through the real binaries, over loopback.
@Suite struct ServeTests {
    static let infer = #"{"inputs":[{"name":"input-0","shape":[2,4],"datatype":"FP64","data":[5.1,3.5,1.4,0.2,6.7,3.0,5.2,2.3]}]}"#

    /// A sandbox whose iris manifest deploys to a `sluice serve` it starts.
    static func start() throws -> (Sandbox, ControllerProcess, Int) {
        let s = try Sandbox()
        try FileManager.default.createDirectory(at: s.url("served"), withIntermediateDirectories: true)
        let server = try ControllerProcess(s, ["--repository", "served", "--port", "0", "--token-env", "SERVE_TOKEN"],
                                           name: "serve", command: "serve", environment: ["SERVE_TOKEN": "t0ken"])
        let port = try server.port()
        try s.edit("manifests/iris.json") { m in
            m.set("spec.deploy", ["target": "http", "url": .string("http://127.0.0.1:\(port)/v2/repository/models/iris"), "tokenEnv": "IRIS_TOKEN"])
        }
        return (s, server, port)
    }

    @Test func applyPublishesToARunningServerAndRetiringRemovesIt() throws {
        let (s, server, port) = try Self.start()
        let base = "http://127.0.0.1:\(port)"

        // A wrong token: 401, the apply fails, and the server holds nothing.
        let refused = try s.run(["apply"], environment: ["IRIS_TOKEN": "wrong"])
        #expect(refused.status == 1, "\(refused.output)")
        #expect(refused.output.contains("HTTP 401"), "\(refused.output)")
        #expect(refused.output.contains("IRIS_TOKEN"), "names the variable to fix: \(refused.output)")
        #expect(try http("GET", "\(base)/v2/models/iris").status == 404)
        #expect(try FileManager.default.contentsOfDirectory(atPath: s.url("served").path).isEmpty)

        // No token at all: a clear error before any request.
        let unset = try s.run(["apply"], environment: ["IRIS_TOKEN": ""])
        #expect(unset.status == 1)
        #expect(unset.output.contains("IRIS_TOKEN") && unset.output.contains("not set"), "\(unset.output)")

        // The right token: published, served at once, the artifact byte for byte.
        let applied = try s.run(["apply"], environment: ["IRIS_TOKEN": "t0ken"])
        #expect(applied.status == 0, "\(applied.output)")
        #expect(try http("GET", "\(base)/v2/models/iris/ready").status == 200)
        let answer = try http("POST", "\(base)/v2/models/iris/infer", body: Self.infer)
        #expect(answer.status == 200, "\(answer.body)")
        #expect(answer.body.contains(#""data":["setosa","virginica"]"#), "\(answer.body)")
        let status = try JSONParser.parse(s.run("status", "--json").stdout).value
        let published = try #require(status["models"]?.arrayValue?.first?["published"])
        #expect(SHA256.hex(of: try s.bytes("served/iris/model.json")) == published["artifactDigest"]?.stringValue)
        #expect(published["target"]?["target"] == "http")
        let version = try #require(published["version"]?.stringValue)
        #expect(s.metadata("served/iris")?["version"]?.stringValue == version)
        #expect(answer.body.contains(#""model_version":"\#(version)""#))
        #expect(s.metadata("served/iris")?["lineage"]?["manifest"] != nil, "the controller's metadata travelled with the PUT")

        // Idempotent: the second apply observes the server (GET) and changes nothing.
        let again = try s.run(["apply"], environment: ["IRIS_TOKEN": "t0ken"])
        #expect(again.status == 0, "\(again.output)")
        #expect(again.stdout.contains("No changes"), "\(again.output)")

        // Drift: the server lost the model; the plan says so and apply puts it back without training.
        try s.remove("served/iris")
        #expect(waitUntil(timeout: 5) { (try? http("GET", "\(base)/v2/models/iris").status) == 404 })
        let drifted = try s.run(["plan", "--detailed-exitcode"], environment: ["IRIS_TOKEN": "t0ken"])
        #expect(drifted.status == 2, "\(drifted.output)")
        let repaired = try s.run(["apply"], environment: ["IRIS_TOKEN": "t0ken"])
        #expect(repaired.status == 0, "\(repaired.output)")
        #expect(try http("GET", "\(base)/v2/models/iris/ready").status == 200)
        #expect(try s.trainings("iris") == 1)

        // Drift: the server holds another artifact under the name (here: another model's files).
        try s.write("manifests/other.json", s.manifest(name: "other", deploy: "deploy/other"))
        #expect(try s.run(["apply"], environment: ["IRIS_TOKEN": "t0ken"]).status == 0)
        var otherMetadata = try #require(s.metadata("deploy/other"))
        otherMetadata.set("model", "iris")
        try s.write("served/iris/model.json", String(decoding: try s.bytes("deploy/other/model.json"), as: UTF8.self))
        try s.write("served/iris/metadata.json", otherMetadata.canonical(pretty: true))
        let otherDigest = SHA256.hex(of: try s.bytes("deploy/other/model.json"))
        #expect(waitUntil(timeout: 5) { (try? http("GET", "\(base)/v2/models/iris"))?.body.contains(otherDigest) == true })
        let replaced = try s.run(["plan"], environment: ["IRIS_TOKEN": "t0ken"])
        #expect(replaced.stdout.contains("holds sha256 \(otherDigest.prefix(12))"), "\(replaced.output)")
        #expect(try s.run(["apply"], environment: ["IRIS_TOKEN": "t0ken"]).status == 0)
        #expect(try http("GET", "\(base)/v2/models/iris").body.contains(published["artifactDigest"]?.stringValue ?? "?"))
        try s.remove("manifests/other.json")

        // Retiring the manifest removes the model from the server.
        try s.edit("manifests/iris.json") { m in m.set("spec.retired", true) }
        let retired = try s.run(["apply"], environment: ["IRIS_TOKEN": "t0ken"])
        #expect(retired.status == 0, "\(retired.output)")
        #expect(try http("GET", "\(base)/v2/models/iris").status == 404)
        #expect(!s.exists("served/iris/model.json"))

        #expect(server.signal(SIGTERM)?.status == 0, "\(server.output)")
    }

    /// D10 for the http target: the server's files of the model are broken (here its
    /// `metadata.json` emptied) while it still serves the instance it loaded before. Observing
    /// the target sees the server's load failure; apply publishes again and the files load.
    @Test func brokenFilesOnTheServerAreDriftAndAreRepaired() throws {
        let (s, server, port) = try Self.start()
        let base = "http://127.0.0.1:\(port)"
        #expect(try s.run(["apply"], environment: ["IRIS_TOKEN": "t0ken"]).status == 0)
        let original = try #require(s.metadata("served/iris"))
        try s.write("served/iris/metadata.json", "[]")
        #expect(waitUntil(timeout: 5) {
            (try? http("GET", "\(base)/v2/repository/models/iris", headers: ["Authorization": "Bearer t0ken"]))?.body.contains("reason") == true
        })
        let plan = try s.run(["plan", "--detailed-exitcode"], environment: ["IRIS_TOKEN": "t0ken"])
        #expect(plan.status == 2, "\(plan.output)")
        #expect(plan.stdout.contains("its files there do not load"), "\(plan.output)")
        let apply = try s.run(["apply"], environment: ["IRIS_TOKEN": "t0ken"])
        #expect(apply.status == 0, "\(apply.output)")
        let repaired = try #require(s.metadata("served/iris"))
        for field in ["model", "version", "artifact"] { #expect(repaired[field] == original[field], "\(field)") }
        #expect(try s.run(["plan", "--detailed-exitcode"], environment: ["IRIS_TOKEN": "t0ken"]).status == 0)
        #expect(server.signal(SIGTERM)?.status == 0, "\(server.output)")
    }

    @Test func aServerThatIsDownFailsTheModelWithTheReason() throws {
        let (s, server, _) = try Self.start()
        #expect(server.signal(SIGTERM)?.status == 0)
        let applied = try s.run(["apply"], environment: ["IRIS_TOKEN": "t0ken"])
        #expect(applied.status == 1, "\(applied.output)")
        #expect(applied.output.contains("PUT http://127.0.0.1"), "\(applied.output)")
        #expect(applied.output.contains("after 3 attempts"), "\(applied.output)")
    }

    @Test func serveRefusesAMissingTokenVariableAndAMissingRepository() throws {
        let s = try Sandbox()
        try FileManager.default.createDirectory(at: s.url("served"), withIntermediateDirectories: true)
        let noToken = try s.run(["serve", "--repository", "served", "--port", "0", "--token-env", "NOPE_TOKEN"], environment: ["NOPE_TOKEN": ""])
        #expect(noToken.status == 1)
        #expect(noToken.stderr.contains("NOPE_TOKEN"), "\(noToken.output)")
        let noDir = try s.run(["serve", "--repository", "nowhere", "--port", "0"])
        #expect(noDir.status == 1)
        #expect(noDir.stderr.contains("nowhere"), "\(noDir.output)")
    }

    @Test func sigtermStopsTheServerCleanly() throws {
        let s = try Sandbox()
        #expect(try s.run("apply").status == 0)
        let server = try ControllerProcess(s, ["--repository", "deploy", "--port", "0"], name: "serve", command: "serve")
        let port = try server.port()
        #expect(try http("POST", "http://127.0.0.1:\(port)/v2/models/iris/infer", body: Self.infer).status == 200)
        let stopped = server.signal(SIGTERM)
        #expect(stopped?.status == 0, "\(server.output)")
        #expect((stopped?.seconds ?? 99) < 5)
        #expect(server.output.contains("stopped"))
    }

    @Test func theServerReportsTheVersionTheBinaryPrints() throws {
        // `GET /v2` said 0.5.0 while `sluice --version` said 0.1.0: both now come from `sluiceVersion`.
        let s = try Sandbox()
        try FileManager.default.createDirectory(at: s.url("served"), withIntermediateDirectories: true)
        let printed = try s.run("--version")
        #expect(printed.status == 0, "\(printed.output)")
        let server = try ControllerProcess(s, ["--repository", "served", "--port", "0"], name: "serve", command: "serve")
        let port = try server.port()
        let metadata = try JSONParser.parse(http("GET", "http://127.0.0.1:\(port)/v2").body).value
        #expect(metadata["name"] == "sluice")
        #expect(metadata["version"] == .string(printed.stdout.trimmingCharacters(in: .whitespacesAndNewlines)), "\(metadata.canonical())")
    }
}
