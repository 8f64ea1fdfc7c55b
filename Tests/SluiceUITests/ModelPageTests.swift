import Foundation
import Testing
import SluiceController
import SluiceCore
import SluiceManifest
import SluiceMonitor
import SluiceReconcile
import SluiceTesting
@testable import SluiceUI

/// `/ui/models/{name}` over ``UIFixture``: golden pages, escaping, the parameters' diff, the
/// chart's bands, the monitoring panel and 404.
@Suite struct ModelPageTests {
    /// The pages over `store` with the fixture's plan and clock.
    static func ui(_ store: InMemoryStore, hostile: Bool = false) throws -> UI {
        let plan = UIFixture.plan(hostile: hostile)
        let clock = FixedClock(UIFixture.now)
        return try UI(context: UIContext(store: store, plans: PlanCache(now: { clock.now }) { plan }, reconcile: .init(tokenRequired: false),
                                         clock: clock, server: "sluice ui"))
    }

    /// The fixture's store with drifty's report carrying what Monitoring now keeps beside the
    /// judgement: the server's series (the last step without labels), dropped and unmatched counts.
    static func storeWithSeries() throws -> InMemoryStore {
        let store = try UIFixture.store(hostile: false)
        var state = try #require(try store.monitorStates().first { $0.model == "drifty" })
        guard case .object(var report) = try JSONParser.parse(try #require(state.report)).value else { throw Failure("report") }
        let start = Int(UIFixture.now.timeIntervalSince1970) - 86_400
        report["series"] = .array((0..<4).map { i in
            ["from": .number(Double(start + i * 21_600)), "rows": .number(300), "labelled": .number(i == 3 ? 0 : 100),
             "live": i == 3 ? .null : .number([0.93, 0.9, 0.86][i]), "estimate": .number([0.94, 0.92, 0.9, 0.88][i])]
        })
        report["dropped"] = 12
        report["unmatchedLabels"] = 2
        state.report = JSON.object(report).canonical()
        try store.recordMonitor(state, events: [])
        return store
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ d: String) { description = d }
    }

    // MARK: golden pages

    @Test func irisMatchesItsGoldenPage() throws {
        let page = try UIFixture.ui().model("iris", UIQuery())
        #expect(page.status == 200)
        try expectGoldenMain(page.html, "model-iris.html")
    }

    @Test func driftyMatchesItsGoldenPage() throws {
        let page = try Self.ui(Self.storeWithSeries()).model("drifty", UIQuery())
        #expect(page.status == 200)
        try expectGoldenMain(page.html, "model-drifty.html")
    }

    // MARK: the DOM contract

    @Test func theModelPageHasTheContractsElements() throws {
        let html = try UIFixture.ui().model("iris", UIQuery()).html
        #expect(html.contains("<table id=\"versions\">"))
        for n in 1...3 { #expect(html.contains("<tr data-version=\"\(UIFixture.id("iris", n))\">")) }
        #expect(html.contains("<svg class=\"metric-chart\""))
        #expect(html.contains("<rect class=\"band band-fail\""))
        #expect(html.contains("<rect class=\"band band-regression\""))
        for id in ["gate-history", "publications", "plan"] { #expect(html.contains("id=\"\(id)\""), "\(id)") }
        #expect(html.contains("<pre class=\"plan\">  = iris: up to date (version \(UIFormat.short(UIFixture.id("iris", 3))) is published to directory deploy/iris)</pre>"))
        #expect(!html.contains("id=\"monitoring\""), "iris is not monitored")
        // Newest first.
        let rows = [3, 2, 1].map { html.range(of: "data-version=\"\(UIFixture.id("iris", $0))\"")!.lowerBound }
        #expect(rows == rows.sorted())
    }

    @Test func aMonitoredModelHasItsPanelWithDriftBarsAndTheSeries() throws {
        let html = try Self.ui(Self.storeWithSeries()).model("drifty", UIQuery()).html
        #expect(html.contains("<section id=\"monitoring\">"))
        #expect(html.contains("<svg class=\"drift-bars\""))
        // The manifest has no policy of its own: the defaults' lines.
        #expect(html.contains(">warn 0.1</text>") && html.contains(">breach 0.2</text>"))
        #expect(html.contains("data-feature=\"petal_length\""))
        #expect(html.contains("<svg class=\"series-chart\""))
        #expect(html.contains("12 records dropped"))
        #expect(html.contains("300 of 1200 rows labelled (25%)"))
        #expect(html.contains("live accuracy 0.88 (interval 0.84–0.91) on 300 labelled rows; test 0.95, −0.07 from it"))
        #expect(html.contains("Drifted"))
        // Without the series (a report stored before them): no chart, and dropped said to be unknown.
        let before = try UIFixture.ui().model("drifty", UIQuery()).html
        #expect(!before.contains("<svg class=\"series-chart\""))
        #expect(before.contains("dropped records: not reported"))
    }

    @Test func aMonitoredModelNotYetCheckedOrNotJudgedSaysSo() throws {
        let store = try UIFixture.store(hostile: false)
        try store.removeMonitorStates(models: ["drifty"])
        let unchecked = try Self.ui(store).model("drifty", UIQuery()).html
        #expect(unchecked.contains("<section id=\"monitoring\">"))
        #expect(unchecked.contains("Not checked yet"))
        try store.recordMonitor(MonitorState(model: "drifty", version: nil, checkedAt: UIFixture.now.addingTimeInterval(-60),
                                             problem: "cannot reach http://127.0.0.1:8080: connection refused"), events: [])
        let failing = try Self.ui(store).model("drifty", UIQuery()).html
        #expect(failing.contains("The last check could not judge the model: cannot reach http://127.0.0.1:8080: connection refused"))
        #expect(failing.contains("Last check 1m ago (2026-01-01 23:59:00Z)"))
        #expect(!failing.contains("<svg class=\"drift-bars\""), "no report, no bars")
    }

    @Test func theMonitoringThresholdsComeFromTheManifestsPolicy() {
        var policy = MonitorPolicy()
        policy.driftWarn = 0.05
        policy.driftBreach = 0.3
        let facts = UI.reportFacts(["features": [["name": "x", "psi": 0.2, "ks": 0.1, "level": "warn"]]], policy: policy)
        let svg = facts["driftSVG"] as? String ?? ""
        #expect(svg.contains(">warn 0.05</text>") && svg.contains(">breach 0.3</text>"), "\(svg)")
        policy.driftMethod = .ks
        let ks = UI.reportFacts(["features": [["name": "x", "psi": 0.2, "ks": 0.1, "level": "warn"]]], policy: policy)["driftSVG"] as? String ?? ""
        #expect(ks.contains("x: KS 0.1"), "\(ks)")
    }

    // MARK: escaping

    @Test func hostileLabelsMessagesAndNamesComeOutInert() throws {
        let store = try UIFixture.store(hostile: true)
        let name = "a<b\"c/d"
        try store.recordVersion(VersionRecord(
            model: name, id: UIFixture.id(name, 1), artifactDigest: "x", inputs: .object([:]), manifestDigest: "m", manifestFile: "manifests/\(name).json",
            dataDigest: "d", testDigest: nil, metrics: ["accuracy": 0.9], evaluation: .object([:]), trainSeconds: 0, trainedAt: UIFixture.start,
            revision: nil))
        try store.recordPublication(PublicationRecord(model: name, version: UIFixture.id(name, 1), deploy: .directory(path: "deploy/<x>"),
                                                      artifactDigest: "x", publishedAt: UIFixture.start, revision: nil, reason: UIFixture.hostileMessage))
        let ui = try Self.ui(store, hostile: true)
        // Reached as the router does: the percent-encoded path segment, decoded.
        let segment = String(HTML.modelPath(name).dropFirst("/ui/models/".count))
        #expect(!segment.contains("/"))
        let page = try ui.model(try #require(segment.removingPercentEncoding), UIQuery())
        #expect(page.status == 200)
        #expect(page.html.contains("<h1>a&lt;b&quot;c/d</h1>"))
        #expect(page.html.contains("&lt;img src=x onerror=alert(1)&gt; &amp; &quot;quoted&quot;"))
        #expect(!page.html.contains("<img"))
        #expect(!page.html.contains("deploy/<x>"))
        let iris = try ui.model("iris", UIQuery()).html
        #expect(iris.contains("tier=&lt;script&gt;alert(&#39;label&#39;)&lt;/script&gt;"))
        #expect(!iris.contains("<script"))
        let broken = try ui.model("broken", UIQuery()).html
        #expect(broken.contains("&lt;img src=x onerror=alert(1)&gt;"))
        #expect(!broken.contains("<img"))
        let missing = try ui.model("<script>x</script>", UIQuery())
        #expect(missing.status == 404)
        #expect(!missing.html.contains("<script"))
    }

    // MARK: versions

    @Test func parametersAreDiffedAgainstTheChampion() throws {
        #expect(UI.changedParameters(from: ["maxDepth": 4, "seed": 1, "criterion": "gini"], to: ["maxDepth": 5, "seed": 1, "minLeaf": 2])
            == ["criterion: \"gini\" → –", "maxDepth: 4 → 5", "minLeaf: – → 2"])
        #expect(UI.changedParameters(from: ["a": 1], to: ["a": 1]).isEmpty)
        let html = try UIFixture.ui().model("iris", UIQuery()).html
        // iris 3 (max_depth 5) is in service; 2 had 4, 1 had 3.
        let row = { (n: Int) -> Substring in
            let start = html.range(of: "<tr data-version=\"\(UIFixture.id("iris", n))\">")!.upperBound
            return html[start..<html[start...].range(of: "</tr>")!.lowerBound]
        }
        #expect(row(3).contains("★ champion"))
        #expect(row(2).contains("max_depth: 5 → 4"))
        #expect(row(1).contains("max_depth: 5 → 3"))
        #expect(!row(1).contains("seed"), "only the keys that differ")
        #expect(row(1).contains("retired") && row(3).contains("in service"))
        #expect(row(3).contains("0.9667"))
    }

    @Test func aRejectedVersionSaysFailedAndNeverPublished() throws {
        let html = try UIFixture.ui().model("wine", UIQuery()).html
        let start = html.range(of: "<tr data-version=\"\(UIFixture.id("wine", 2))\">")!.upperBound
        let row = html[start..<html[start...].range(of: "</tr>")!.lowerBound]
        #expect(row.contains("✕ failed") && row.contains("never published"))
        #expect(html.contains("accuracy 0.71 &lt; min 0.8"))
    }

    // MARK: the chart's bands

    /// A min rule shades the failing side: from the limit down to the plot's bottom, so the version
    /// under the limit lies inside the band and the one above it outside.
    @Test func aMinRulesBandCoversTheFailingSide() throws {
        let points = [MetricChart.Point(version: "a", value: 0.86, published: true, inService: true),
                      MetricChart.Point(version: "b", value: 0.71, published: false, inService: false)]
        let chart = MetricChart(metric: "accuracy", points: points, rules: [GateRule(metric: "accuracy", min: 0.8)])
        let band = try #require(chart.bands.first)
        #expect(chart.bands.count == 1)
        #expect(band.kind == .fail && band.high == 0.8 && band.low == chart.range.low)
        let svg = chart.svg
        let rect = try #require(Self.attributes(of: "rect class=\"band band-fail\"", in: svg))
        let (y, height) = (try #require(Double(rect["y"] ?? "")), try #require(Double(rect["height"] ?? "")))
        #expect(abs(y - chart.y(0.8)) < 0.1, "the band starts at the limit")
        #expect(abs(y + height - MetricChart.plotBottom) < 0.1, "and reaches the bottom")
        let failing = try #require(Double(Self.attributes(of: "circle class=\"point\" data-version=\"b\"", in: svg)?["cy"] ?? ""))
        let passing = try #require(Double(Self.attributes(of: "circle class=\"point in-service\" data-version=\"a\"", in: svg)?["cy"] ?? ""))
        #expect(failing > y && failing < y + height)
        #expect(passing < y)
        // A max rule (an error metric) shades above its limit.
        let rmse = MetricChart(metric: "rmse", points: [.init(version: "a", value: 2, published: true, inService: true)],
                               rules: [GateRule(metric: "rmse", max: 3)])
        #expect(rmse.bands.first.map { $0.low == 3 && $0.high == rmse.range.high } == true)
    }

    @Test func theRegressionBandLiesBelowTheChampion() throws {
        let html = try UIFixture.ui().model("iris", UIQuery()).html
        let rect = try #require(Self.attributes(of: "rect class=\"band band-regression\"", in: html))
        let chart = MetricChart(metric: "accuracy", points: [0.9, 0.93, 0.9667].enumerated().map {
            .init(version: "\($0.offset)", value: $0.element, published: true, inService: $0.offset == 2)
        }, rules: UIFixture.manifests(hostile: false)[0].gate)
        #expect(abs(Double(rect["y"] ?? "")! - chart.y(0.9667)) < 0.1)
        #expect(abs(Double(rect["y"]!)! + Double(rect["height"] ?? "")! - chart.y(0.9467)) < 0.1)
    }

    @Test func xLabelsAreThinnedToAboutADozen() {
        #expect(MetricChart.labelled(3) == [0, 1, 2])
        let many = MetricChart.labelled(500)
        #expect(many.count <= 14 && many.first == 0 && many.last == 499)
    }

    // MARK: plan, suspend, 404

    @Test func thePlanIsWordedAsSluicePlanPrintsIt() throws {
        let html = try UIFixture.ui().model("pending-new", UIQuery()).html
        let id = UIFormat.short(UIFixture.id("pending-new", 1))
        #expect(html.contains("<pre class=\"plan\">  # pending-new\n  + train     \(id)  no version of this model exists yet\n"
            + "  + publish   \(id)  → directory deploy/pending-new (if the gate passes): a new version replaces none</pre>"))
        let gone = try UIFixture.ui().model("gone", UIQuery()).html
        #expect(gone.contains("The plan has nothing for gone"))
    }

    @Test func aModelWithoutVersionsOrManifestSaysSoRatherThanShowEmptyTables() throws {
        let pending = try UIFixture.ui().model("pending-new", UIQuery()).html
        #expect(!pending.contains("<table id=\"versions\">"))
        #expect(pending.contains("No version yet.") && pending.contains("No verdict yet.") && pending.contains("Never published."))
        #expect(pending.contains("<dd class=\"health health-pending\" data-health=\"pending\">… pending</dd>"))
        let gone = try UIFixture.ui().model("gone", UIQuery()).html
        #expect(gone.contains("none (its last version was trained from <code>manifests/gone.json</code>)"))
        #expect(!gone.contains("Suspend this model"), "no manifest to change")
    }

    @Test func suspendingAndResumingShowTheChangeToCommit() throws {
        let iris = try UIFixture.ui().model("iris", UIQuery()).html
        #expect(iris.contains("<summary>Suspend this model (in git)</summary>"))
        #expect(iris.contains("+    &quot;suspend&quot;: true,"))
        #expect(iris.contains("git commit -m &#39;Suspend iris&#39; -- &#39;manifests/iris.json&#39;"))
        let paused = try UIFixture.ui().model("paused", UIQuery()).html
        #expect(paused.contains("<summary>Resume this model (in git)</summary>"))
        #expect(paused.contains("-    &quot;suspend&quot;: true,"))
        #expect(UI.shellQuoted("it's") == "'it'\\''s'")
    }

    @Test func aReconcileStartedFromThePageIsSaidOnceAndNotCarriedOn() throws {
        let html = try UIFixture.ui().model("iris", UIQuery(parsing: "reconciled=1")).html
        #expect(html.contains("<p class=\"notice\" role=\"status\">A cycle starts now.</p>"))
        #expect(html.contains("<input type=\"hidden\" name=\"back\" value=\"/ui/models/iris\">"))
    }

    @Test func anUnknownModelIs404AndSaysWhatToDo() throws {
        let page = try UIFixture.ui().model("nope", UIQuery())
        #expect(page.status == 404)
        #expect(page.html.contains("Neither the store nor the manifests know a model named <code>nope</code>"))
        #expect(page.html.contains("a new model appears here once its manifest is committed"))
        #expect(!page.html.contains("id=\"versions\""))
    }

    /// The attributes of the first element that starts with `prefix` (`rect class="band"`).
    static func attributes(of prefix: String, in text: String) -> [String: String]? {
        guard let start = text.range(of: "<" + prefix) else { return nil }
        let tag = text[start.lowerBound..<(text[start.lowerBound...].firstIndex(of: ">") ?? text.endIndex)]
        var out: [String: String] = [:]
        var rest = tag[...]
        while let eq = rest.range(of: "=\"") {
            let name = rest[..<eq.lowerBound].split(separator: " ").last.map(String.init) ?? ""
            guard let close = rest[eq.upperBound...].firstIndex(of: "\"") else { break }
            out[name] = String(rest[eq.upperBound..<close])
            rest = rest[rest.index(after: close)...]
        }
        return out
    }
}

/// A model with many versions: every one has its row, the chart one circle each and a dozen labels.
@Suite struct ModelPageManyVersionsTests {
    /// iris's manifest and `count` versions, each evaluated, every tenth published (the last in service).
    static func store(versions count: Int) throws -> InMemoryStore {
        let store = InMemoryStore()
        let manifest = UIFixture.manifests(hostile: false)[0]
        for n in 1...count {
            let id = UIFixture.id("many", n)
            let at = UIFixture.start.addingTimeInterval(Double(n) * 60)
            var inputs = VersionIdentity.document(manifest, dataDigest: "d\(n)", testDigest: nil)
            if case .object(var d) = inputs, case .object(var t)? = d["inputs"], case .object(var a)? = t["algorithm"] {
                a["params"] = ["maxDepth": .number(Double(n % 7 + 1))]
                t["algorithm"] = .object(a); d["inputs"] = .object(t); inputs = .object(d)
            }
            let accuracy = 0.8 + Double(n % 17) / 100
            try store.recordVersion(VersionRecord(
                model: "iris", id: id, artifactDigest: "a\(n)", inputs: inputs, manifestDigest: "m", manifestFile: "manifests/iris.json",
                dataDigest: SHA256.hex(of: "d\(n)"), testDigest: nil, metrics: ["accuracy": accuracy, "f1_macro": accuracy - 0.01],
                evaluation: .object([:]), trainSeconds: 0.1, trainedAt: at, revision: String(repeating: "a", count: 40)))
            let report = GateReport.evaluate(manifest.gate, candidate: ["accuracy": accuracy], champion: ["accuracy": 0.9])
            try store.recordVerdict(VerdictRecord(model: "iris", version: id, gateDigest: "g", gate: .array([]), passed: report.passed,
                                                  summary: report.summary, details: report.json, champion: nil, evaluatedAt: at, revision: nil))
            if n % 10 == 0 || n == count {
                try store.recordPublication(PublicationRecord(model: "iris", version: id, deploy: .directory(path: "deploy/iris"), artifactDigest: "a\(n)",
                                                              publishedAt: at.addingTimeInterval(1), revision: nil, reason: "replaces the champion"))
            }
        }
        return store
    }

    @Test func fiveHundredVersionsHaveTheirRowsAndAThinnedChart() throws {
        let ui = try ModelPageTests.ui(Self.store(versions: 500))
        let html = try ui.model("iris", UIQuery()).html
        #expect(html.components(separatedBy: "<tr data-version=").count - 1 == 500)
        #expect(html.components(separatedBy: "<tr data-verdict=").count - 1 == UI.recentVerdicts, "the newest verdicts, not all 500")
        #expect(html.contains("The newest 50 of 500 verdicts. <a href=\"/ui/models/iris?verdicts=all#gate-history\">Show them all</a>"))
        let all = try ui.model("iris", UIQuery(parsing: "verdicts=all")).html
        #expect(all.components(separatedBy: "<tr data-verdict=").count - 1 == 500)
        #expect(!all.contains("Show them all"))
        #expect(html.components(separatedBy: "<tr data-publication=").count - 1 == 50)
        #expect(html.components(separatedBy: "<circle class=\"point").count - 1 == 500)
        #expect(html.components(separatedBy: "<text x=").count < 500 + 40, "x labels thinned")
        #expect(html.components(separatedBy: "in service").count > 2)
    }
}
