import Foundation
import Testing
import SluiceController
import SluiceReconcile
import SluiceTesting
@testable import SluiceUI

/// `/ui/plan`: the global plan over ``UIFixture``, its filters, and what it shows without a plan.
@Suite struct PlanPageTests {
    @Test func goldenPage() throws {
        let page = try UIFixture.ui().plan(UIQuery())
        #expect(page.status == 200)
        try expectGoldenMain(page.html, "plan.html")
    }

    /// The models that change come first, each line as `sluice plan` words it, the mark in its tone's colour.
    @Test func changesFirstWordedAsSluicePlanWordsThem() throws {
        let html = try UIFixture.ui().plan(UIQuery()).html
        let order = ["pending-new", "broken", "drifty", "iris", "paused", "wine"].map { html.range(of: "data-model=\"\($0)\"")!.lowerBound }
        #expect(order == order.sorted(), "the model with changes first, then the others in the plan's order")
        #expect(html.contains(#"<div class="plan-item" data-model="pending-new" data-changes="true">"#))
        #expect(html.contains(#"<div class="plan-item" data-model="iris" data-changes="false">"#))
        let plan = UIFixture.plan(hostile: false).plan!
        for action in plan.item("pending-new")!.actions {
            let line = PlanText.action(action)
            #expect(html.contains("<span class=\"tone-\(line.tone.rawValue)\">\(HTML.escape(line.mark))</span>\(HTML.escape(line.text))"), "\(line.plain)")
        }
        #expect(html.contains(#"<span class="tone-bad">! broken</span>: failed: data/missing.csv: no such file; check spec.dataset.source"#))
        #expect(html.contains("<strong>Plan:</strong> \(HTML.escape(PlanText.summary(plan)))"))
        #expect(html.contains(#"<details class="unchanged" open>"#), "a few unchanged models are shown open")
    }

    @Test(arguments: [
        ("changes=1", ["pending-new"]),
        ("action=publish", ["pending-new"]),
        ("action=retire", []),
        ("label=team%3Dvision", ["iris"]),
        ("label=team", ["iris", "wine"]),
        ("label=team&label=tier%3Dgold", ["iris"]),
        ("q=RI", ["drifty", "iris"]),
        ("q=e&changes=1", ["pending-new"]),
        ("q=nothing-like-it", []),
    ])
    func filtersComeFromTheURL(query: String, models: [String]) throws {
        let html = try UIFixture.ui().plan(UIQuery(parsing: query)).html
        let shown = html.matches(of: #/<div class="plan-item" data-model="([^"]+)"/#).map { String($0.1) }.sorted()
        #expect(shown == models.sorted(), "\(query)")
        #expect(html.contains("Showing \(models.count) of 6 models"), "\(query)")
        #expect(html.contains("<a href=\"/ui/plan\">Clear filters</a>"), "\(query)")
        if models.isEmpty { #expect(html.contains("No model matches these filters.")) }
        #expect(html.contains("Plan:</strong> 1 to train, 0 to evaluate, 1 to publish, 0 to retire"), "the summary is the whole plan's")
    }

    @Test func theFormKeepsTheFiltersAndCountsTheActions() throws {
        let html = try UIFixture.ui().plan(UIQuery(parsing: "changes=1&action=train&q=pend")).html
        #expect(html.contains(#"<input type="checkbox" name="changes" value="1" checked>"#))
        #expect(html.contains(#"<input type="checkbox" name="action" value="train" checked> train (1)"#))
        #expect(html.contains(#"<input type="checkbox" name="action" value="retire"> retire (0)"#))
        #expect(html.contains(#"<input type="text" name="q" value="pend""#))
        #expect(html.contains(#"<form class="filters" method="get" action="/ui/plan""#), "a GET form: works without JavaScript")
    }

    @Test func anUnknownActionIsSaidNotIgnoredSilently() throws {
        let html = try UIFixture.ui().plan(UIQuery(parsing: "action=deploy")).html
        #expect(html.contains("action=deploy is not an action; use one of train, evaluate, publish, retire."))
        #expect(html.contains("Showing 6 of 6 models"))
    }

    /// Markup in a manifest's label, a model's message or the URL comes out as text.
    @Test func hostileTextIsInert() throws {
        let ui = try UIFixture.ui(hostile: true)
        let html = try ui.plan(UIQuery(parsing: "q=%3Cscript%3Ex&label=%22%3E%3Cb%3E")).html
        #expect(!html.contains("<img"), "\(html)")
        #expect(!html.contains("<script>"))
        #expect(!html.contains("<b>"))
        #expect(html.contains(#"value="&quot;&gt;&lt;b&gt;""#))
        let all = try ui.plan(UIQuery()).html
        #expect(all.contains("failed: &lt;img src=x onerror=alert(1)&gt; &amp; &quot;quoted&quot;"))
        #expect(!all.contains("<img"))
    }

    @Test func withoutAPlanThePageSaysWhy() throws {
        let clock = FixedClock(UIFixture.now)
        let problem = "No manifests at /srv/models/manifests: the pages show the store only"
        let ui = try UI(context: UIContext(store: InMemoryStore(), plans: PlanCache(now: { clock.now }) { .unavailable(problem, at: clock.now) },
                                           clock: clock, server: "sluice ui"))
        let page = try ui.plan(UIQuery())
        #expect(page.status == 200)
        #expect(page.html.contains("<p class=\"notice problem\" role=\"alert\">\(problem)</p>"))
        #expect(page.html.contains(#"<section id="plan""#))
        #expect(!page.html.contains("<form class=\"filters\""))
        #expect(!page.html.contains("Plan:</strong>"))
        #expect(!page.html.contains("Reconcile now"), "sluice ui has no action")
    }

    @Test func manyUnchangedModelsFoldAwayAndWarningsAndErrorsShow() throws {
        let clock = FixedClock(UIFixture.now)
        let items = (0..<30).map { PlanItem(model: "m\($0)", actions: [], condition: .ready, reason: Reason(.upToDate, "fine")) }
        let reading = UIPlan(plan: Plan(items: items, warnings: [.retirementWithheldForErrors(models: ["old"])]), manifests: [],
                             errors: ["manifests/bad.json: spec.algorithm: \"forest\" is not an algorithm"], madeAt: clock.now)
        let ui = try UI(context: UIContext(store: InMemoryStore(), plans: PlanCache(now: { clock.now }) { reading }, clock: clock, server: "sluice run"))
        let html = try ui.plan(UIQuery()).html
        #expect(html.contains(#"<details class="unchanged"><summary>"#), "30 unchanged models start folded")
        #expect(html.contains("<li><span class=\"tone-bad\">✗ </span>manifests/bad.json: spec.algorithm: &quot;forest&quot; is not an algorithm</li>"))
        #expect(html.contains("Warning: </span>not retiring old: some manifest files failed to load"))
        #expect(html.contains(HTML.escape(PlanText.headline(reading.plan!, hasErrors: true))))
    }

    /// After "Reconcile now" the page says a cycle starts, and its form returns to the page without saying it twice.
    @Test func theNoticeAfterReconcileNow() throws {
        let html = try UIFixture.ui().plan(UIQuery(parsing: "changes=1&reconciled=1")).html
        #expect(html.contains(#"<p class="notice" role="status">A cycle starts now.</p>"#))
        #expect(html.contains(#"<input type="hidden" name="back" value="/ui/plan?changes=1">"#))
        #expect(!(try UIFixture.ui().plan(UIQuery(parsing: "reconciled=%3Cb%3E")).html.contains("role=\"status\"")), "only the fixed notice")
    }
}

/// Compares `html`'s `<main>` (what the page itself renders; the layout around it is another
/// file's) with `Golden/NAME`; `SLUICE_UPDATE_GOLDEN=1` writes it instead.
func expectGoldenMain(_ html: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    guard let start = html.range(of: "<main")?.lowerBound, let end = html.range(of: "</main>")?.upperBound else {
        Issue.record("the page has no <main> element", sourceLocation: sourceLocation)
        return
    }
    let main = String(html[start..<end]) + "\n"
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden/\(name)")
    if ProcessInfo.processInfo.environment["SLUICE_UPDATE_GOLDEN"] == "1" {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try main.write(to: url, atomically: true, encoding: .utf8)
        return
    }
    guard let golden = try? String(contentsOf: url, encoding: .utf8) else {
        Issue.record("no golden file \(url.path); run the test with SLUICE_UPDATE_GOLDEN=1 to write it, and review it", sourceLocation: sourceLocation)
        return
    }
    guard golden != main else { return }
    let a = golden.split(separator: "\n", omittingEmptySubsequences: false), b = main.split(separator: "\n", omittingEmptySubsequences: false)
    let line = zip(a, b).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(a.count, b.count)
    Issue.record("""
        the page differs from \(url.path) at line \(line + 1):
          golden:   \(line < a.count ? String(a[line]) : "(end)")
          rendered: \(line < b.count ? String(b[line]) : "(end)")
        if the change is intended, run the test with SLUICE_UPDATE_GOLDEN=1 and review the diff
        """, sourceLocation: sourceLocation)
}
