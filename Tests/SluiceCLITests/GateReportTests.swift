import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import SluiceCore

/// What the gate reports show: the test-set size, thresholds finer than one test row, the
/// champion in the chart even in CI (baseline, no store), whole class names.
@Suite struct GateReportTests {
    /// The README's case: a published iris, then CI with the champion in `baseline/` and no store.
    func ciRun(_ s: Sandbox) throws -> Sandbox.Result {
        #expect(try s.run("apply").status == 0)
        try FileManager.default.createDirectory(at: s.url("baseline"), withIntermediateDirectories: true)
        try FileManager.default.moveItem(at: s.url("deploy/iris"), to: s.url("baseline/iris"))
        try s.edit("manifests/iris.json") { $0.set("spec.algorithm.params", ["nEstimators": 3, "maxDepth": 1, "seed": 42]) }
        return try s.run("gate", "--baseline", "baseline", "--store", "sqlite:runner/state.db",
                         "--report", "gate.md", "--html", "gate.html")
    }

    @Test func reportsShowTheTestSetSizeAndWarnWhenOneRowDecidesARule() throws {
        let s = try Sandbox()
        let r = try ciRun(s)
        #expect([0, 3].contains(r.status), "\(r.output)")
        let warning = "accuracy maxRegression 0.02 is finer than one test row: with 45 test rows one row is 0.0222"
        #expect(r.stdout.contains("test set: 45 rows"), "\(r.output)")
        #expect(r.stdout.contains("warning: " + warning), "\(r.output)")
        let md = try s.read("gate.md")
        #expect(md.contains("Test set: 45 rows."), "\(md)")
        #expect(md.contains("⚠️ " + warning), "\(md)")
        let html = try s.read("gate.html")
        #expect(html.contains("Test set: 45 rows"))
        #expect(html.contains(warning))
        let json = try JSONParser.parse(try s.run("gate", "--baseline", "baseline", "--store", "sqlite:runner/state.db", "--json").stdout).value
        let model = json["models"]?.arrayValue?.first
        #expect(model?["testRows"] == 45)
        #expect(model?["warnings"]?.arrayValue?.first?.stringValue?.hasPrefix(warning) == true)
    }

    @Test func theHTMLChartShowsTheBaselineChampionAndItsBandAndWholeClassNames() throws {
        let s = try Sandbox()
        _ = try ciRun(s)
        let html = try s.read("gate.html")
        let champion = try #require(try JSONParser.parse(try s.bytes("baseline/iris/metadata.json")).value["version"]?.stringValue)
        #expect(html.contains("<title>champion \(champion.prefix(12))"), "the champion's point")
        #expect(html.contains("class=\"band\""), "the maxRegression band")
        #expect(html.contains("<title>candidate "))
        for name in ["setosa", "versicolor", "virginica"] {
            #expect(html.contains(">\(name)</text>"), "the class name \(name) in full")
        }
        // Every chart is still well-formed SVG.
        var rest = Substring(html)
        while let start = rest.range(of: "<svg"), let end = rest.range(of: "</svg>", range: start.upperBound..<rest.endIndex) {
            let document = try XMLDocument(data: Data(rest[start.lowerBound..<end.upperBound].utf8))
            #expect(document.rootElement()?.name == "svg")
            rest = rest[end.upperBound...]
        }
    }
}
