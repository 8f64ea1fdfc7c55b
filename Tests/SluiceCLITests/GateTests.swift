import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import SluiceCore

/// `sluice gate` on pull requests: only what changed, against the model in production.
@Suite struct GateTests {
    /// Three models on main, applied (so their directory targets hold the champions), then a
    /// feature branch.
    func repository() throws -> Sandbox {
        let s = try Sandbox()
        try s.write("manifests/tree.json", s.manifest(name: "tree", gate: ["accuracy": ["min": 0.5, "maxRegression": 0.02]]))
        try s.write("manifests/forest.json", s.manifest(name: "forest", algorithm: "random_forest", params: ["nEstimators": 20]))
        #expect(try s.run("apply").status == 0)
        try s.commitAll()
        try s.git("checkout", "-q", "-b", "feature")
        return s
    }

    @Test func changingOneManifestGatesOnlyThatModelAgainstTheDirectoryTargetsChampion() throws {
        let s = try repository()
        try s.edit("manifests/tree.json") { $0.set("spec.algorithm.params", ["maxDepth": 1]) }
        let r = try s.run("gate", "--changed-since", "main", "--store", "sqlite:ci-runner/state.db",
                          "--report", "gate.md", "--junit", "gate.xml", "--json")
        #expect(r.status == 3, "\(r.output)")
        let json = try JSONParser.parse(r.stdout).value
        let models = json["models"]?.arrayValue ?? []
        #expect(models.map { $0["name"]!.stringValue! } == ["tree"])
        #expect(Set(json["skipped"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []) == ["iris", "forest"])
        #expect(json["skipped"]?.arrayValue?.first?["reason"]?.stringValue?.contains("unchanged since main") == true)
        let tree = try #require(models.first)
        #expect(tree["trained"] == true)
        #expect(tree["champion"]?["origin"] == "deploy/tree")
        let rule = try #require(tree["rules"]?.arrayValue?.first { $0["threshold"] == "maxRegression" })
        #expect(rule["status"] == "failed")
        let champion = try #require(rule["champion"]?.doubleValue)
        let candidate = try #require(rule["candidate"]?.doubleValue)
        #expect(champion - candidate > 0.02)

        let md = try s.read("gate.md")
        for text in ["accuracy", "maxRegression", String(format: "%.4f", champion), String(format: "%.4f", candidate), "0.0200", "❌ **fail**"] {
            #expect(md.contains(text), "the Markdown report names \(text):\n\(md)")
        }
        #expect(md.contains("forest**: unchanged since main"))
        let junit = try s.read("gate.xml")
        #expect(junit.contains("<failure message=\"accuracy \(GateTests.fmt(candidate)) vs champion \(GateTests.fmt(champion)): regression"))
        #expect(junit.contains("&gt; maxRegression 0.02"))
        #expect(try XMLDocument(data: Data(junit.utf8)).rootElement()?.name == "testsuites")
    }

    static func fmt(_ d: Double) -> String { JSON.format((d * 10_000).rounded() / 10_000) }

    @Test func withNoChampionAnywhereMaxRegressionIsSkippedAndAbsoluteThresholdsDecide() throws {
        let s = try Sandbox()
        let pass = try s.run("gate", "--json")
        #expect(pass.status == 0, "\(pass.output)")
        let rules = try JSONParser.parse(pass.stdout).value["models"]?.arrayValue?.first?["rules"]?.arrayValue ?? []
        #expect(rules.first { $0["threshold"] == "maxRegression" }?["status"] == "skipped")
        #expect(rules.first { $0["threshold"] == "min" }?["status"] == "passed")
        #expect(!s.exists("deploy/iris"), "gate publishes nothing")

        try s.edit("manifests/iris.json") {
            $0.set("spec.gate.accuracy.min", 0.999)
            $0.set("spec.dataset.split", ["testFraction": 0.3, "seed": 42])  // Sluice's own split: accuracy 0.9556
        }
        let fail = try s.run("gate", "--report", "gate.md")
        #expect(fail.status == 3, "\(fail.output)")
        #expect(try s.read("gate.md").contains("⏭️ skipped"))
    }

    @Test func theHTMLReportIsOneSelfContainedFileWithWellFormedCharts() throws {
        let s = try repository()
        try s.edit("manifests/tree.json") { $0.set("spec.algorithm.params", ["maxDepth": 2]) }
        try s.edit("manifests/iris.json") { $0.set("metadata.labels", ["team": "gated"]) }
        #expect([0, 3].contains(try s.run("gate", "--changed-since", "main", "--html", "gate.html").status))
        let html = try s.read("gate.html")
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        for external in ["<script", "<link", "src=", "url(", "@import"] {
            #expect(!html.contains(external), "the page must not load \(external)")
        }
        let withoutNamespace = html.replacingOccurrences(of: "xmlns=\"http://www.w3.org/2000/svg\"", with: "")
        #expect(!withoutNamespace.contains("http://") && !withoutNamespace.contains("https://"))
        var charts = 0
        var rest = Substring(html)
        while let start = rest.range(of: "<svg"), let end = rest.range(of: "</svg>", range: start.upperBound..<rest.endIndex) {
            let svg = String(rest[start.lowerBound..<end.upperBound])
            let document = try XMLDocument(data: Data(svg.utf8))
            #expect(document.rootElement()?.name == "svg")
            charts += 1
            rest = rest[end.upperBound...]
        }
        #expect(charts >= 4, "a metric history and a confusion matrix per gated model")
        #expect(html.contains("iris") && html.contains("tree"))
        #expect(html.contains("<circle"), "history points")
    }

    @Test func baselineDirectorySuppliesTheChampion() throws {
        let s = try repository()
        try FileManager.default.createDirectory(at: s.url("baseline"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: s.url("deploy/tree"), to: s.url("baseline/tree"))
        try s.remove("deploy")
        try s.edit("manifests/tree.json") { $0.set("spec.algorithm.params", ["maxDepth": 1]) }
        let r = try s.run("gate", "--model", "tree", "--baseline", "baseline", "--store", "sqlite:fresh/state.db", "--json")
        #expect(r.status == 3, "\(r.output)")
        let tree = try JSONParser.parse(r.stdout).value["models"]?.arrayValue?.first
        #expect(tree?["champion"]?["origin"] == "baseline baseline/tree")

        // A tampered baseline is refused rather than trusted, and the unchecked regression rule
        // is an error (exit 1), never a skipped rule in a passing gate.
        try s.write("baseline/tree/model.json", "{\"format\": \"sluice.model\"}")
        let tampered = try s.run("gate", "--model", "tree", "--baseline", "baseline", "--store", "sqlite:fresh/state.db", "--json")
        #expect(tampered.status == 1, "\(tampered.output)")
        let error = try JSONParser.parse(tampered.stdout).value["models"]?.arrayValue?.first?["error"]?.stringValue ?? ""
        #expect(error.contains("digest mismatch") && error.contains("maxRegression rule cannot be checked"), "\(tampered.output)")
    }

    @Test func applyReusesTheVersionTheGateTrainedThroughTheCache() throws {
        let s = try Sandbox()
        let gate = try s.run("gate", "--cache", "shared-cache", "--store", "sqlite:pr/state.db")
        #expect(gate.status == 0, "\(gate.output)")
        let apply = try s.run("apply", "--cache", "shared-cache")
        #expect(apply.status == 0, "\(apply.output)")
        let version = try #require(try s.history("iris")["versions"]?.arrayValue?.first?["version"]?.stringValue)
        #expect(apply.stdout.contains("iris: reused \(version.prefix(12)) from the cache"), "\(apply.output)")
        #expect(!apply.stdout.contains("iris: trained"))
        let fresh = try Sandbox()
        #expect(try fresh.run("apply").status == 0)
        #expect(try s.bytes("deploy/iris/model.json") == fresh.bytes("deploy/iris/model.json"), "the cached artifact is the one training gives")
    }

    @Test func anUnknownRevisionIsAClearError() throws {
        let s = try Sandbox()
        try s.commitAll()
        let r = try s.run("gate", "--changed-since", "no-such-branch")
        #expect(r.status == 1)
        #expect(r.stderr.contains("no-such-branch: no such revision"), "\(r.output)")
    }
}
