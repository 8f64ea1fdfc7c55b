import Foundation
import Testing
import SluiceController
import SluiceCore
import SluiceManifest
import SluiceReconcile
import SluiceTesting
@testable import SluiceUI

/// The Models page (`/ui`) over ``UIFixture``: the exact HTML, escaping, and the rows a user sees
/// for each sort, filter and page.
@Suite struct ModelsPageTests {
    /// The models in the order their rows appear.
    static func rows(_ page: UIPage) -> [String] {
        page.html.components(separatedBy: "<tr data-model=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
    }

    static func models(_ query: String, ui: UI? = nil) throws -> UIPage {
        try (ui ?? UIFixture.ui()).models(UIQuery(parsing: query))
    }

    /// The page for the fixed store is exactly `Golden/models.html`; `SLUICE_UPDATE_GOLDEN=1` writes it anew.
    @Test func rendersTheGoldenPage() throws {
        let html = try Self.models("").html
        let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden/models.html")
        if ProcessInfo.processInfo.environment["SLUICE_UPDATE_GOLDEN"] == "1" {
            try html.write(to: golden, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOf: golden, encoding: .utf8)
        if html != expected {
            let a = html.split(separator: "\n", omittingEmptySubsequences: false), b = expected.split(separator: "\n", omittingEmptySubsequences: false)
            let line = zip(a, b).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(a.count, b.count)
            Issue.record("""
                /ui differs from \(golden.path) at line \(line + 1):
                  got:      \(line < a.count ? String(a[line]) : "(end)")
                  expected: \(line < b.count ? String(b[line]) : "(end)")
                If the change is intended, run SLUICE_UPDATE_GOLDEN=1 swift test --filter ModelsPageTests and review the diff in git.
                """)
        }
    }

    @Test func everyModelHasARowWithWhatItsColumnsSay() throws {
        let html = try Self.models("").html
        #expect(Self.rows(try Self.models("")) == ["broken", "drifty", "gone", "iris", "paused", "pending-new", "wine"])
        let iris = try #require(html.components(separatedBy: "<tr data-model=\"iris\"").last?.components(separatedBy: "</tr>").first)
        #expect(iris.contains("data-health=\"ready\" data-sync=\"synced\""))
        #expect(iris.contains("<code title=\"\(UIFixture.id("iris", 3))\">\(UIFixture.id("iris", 3).prefix(12))</code>"), "the version in service, 12 characters, all in the title")
        #expect(iris.contains("<span class=\"muted\">accuracy</span> 0.9667"), "the gate metric of the version in service")
        #expect(iris.contains("<svg class=\"sparkline\" role=\"img\" aria-label=\"accuracy over 3 publications: 0.9, 0.93, 0.9667 (in service)\""))
        #expect(iris.contains("<time datetime=\"2026-01-01 23:30:00Z\" title=\"2026-01-01 23:30:00Z\">30m ago</time>"))
        #expect(iris.contains("<span class=\"trend\" title=\"change made by the last publication\">+0.0367</span>"), "0.9667 − 0.93")
        #expect(iris.contains("directory deploy/iris"))
        #expect(iris.contains("<a class=\"label\" href=\"/ui?label=team%3Dvision\">team=vision</a>"))
        let gone = try #require(html.components(separatedBy: "<tr data-model=\"gone\"").last?.components(separatedBy: "</tr>").first)
        #expect(gone.contains("data-sync=\"orphan\"") && gone.contains("<span class=\"muted\">none</span>"), "retired: nothing in service")
        #expect(gone.contains("aria-label=\"accuracy of its one publication: 0.95\""), "its one publication, no longer in service")
        let pending = try #require(html.components(separatedBy: "<tr data-model=\"pending-new\"").last?.components(separatedBy: "</tr>").first)
        #expect(!pending.contains("<svg") && pending.contains("never"), "never published nor reconciled")
        #expect(html.contains("Showing 1–7 of 7 models"))
    }

    @Test func hostileLabelsAndMessagesComeOutAsText() throws {
        let ui = try UIFixture.ui(hostile: true)
        let html = try ui.models(UIQuery()).html
        #expect(html.contains("tier=&lt;script&gt;alert(&#39;label&#39;)&lt;/script&gt;"))
        #expect(!html.lowercased().contains("<script"), "no script element")
        #expect(!html.contains("onerror="), "no event handler attribute")
        // The filter link carries it percent-encoded, and a filter by it echoes it escaped.
        #expect(html.contains("label=tier%3D%3Cscript%3Ealert%28%27label%27%29%3C%2Fscript%3E"))
        let filtered = try ui.models(UIQuery([("label", "tier=" + UIFixture.hostileLabel), ("q", "\"><img src=x onerror=alert(1)>")])).html
        #expect(!filtered.lowercased().contains("<script") && !filtered.contains("<img"))
        #expect(filtered.contains("value=\"&quot;&gt;&lt;img src=x onerror=alert(1)&gt;\""))
        // A name the store holds (no manifest checks it) is text in the row and a path segment in the link.
        let store = try UIFixture.store(hostile: true)
        let name = "\"><script>alert(1)</script>"
        try store.recordEvent(EventRecord(at: UIFixture.start, model: name, kind: .failed, message: UIFixture.hostileMessage, revision: nil))
        let clock = FixedClock(UIFixture.now)
        let page = try UI(context: UIContext(store: store, plans: PlanCache(now: { clock.now }) { UIFixture.plan(hostile: true) },
                                             clock: clock, server: "sluice ui")).models(UIQuery()).html
        #expect(page.contains("<tr data-model=\"&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;\""))
        #expect(page.contains("<a href=\"/ui/models/%22%3E%3Cscript%3Ealert%281%29%3C%2Fscript%3E\">&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;</a>"))
        #expect(!page.lowercased().contains("<script") && !page.contains("onerror="))
    }

    @Test func sortsByAnyColumnEitherWayWithTiesByName() throws {
        #expect(Self.rows(try Self.models("sort=health")) == ["broken", "wine", "drifty", "paused", "pending-new", "iris", "gone"], "worst first")
        #expect(Self.rows(try Self.models("sort=-health")) == ["gone", "iris", "pending-new", "paused", "drifty", "wine", "broken"])
        #expect(Self.rows(try Self.models("sort=-name")) == ["wine", "pending-new", "paused", "iris", "gone", "drifty", "broken"])
        // In-service accuracy: drifty, paused 0.95 (tie: by name), iris 0.9667, wine 0.86; none last either way.
        #expect(Self.rows(try Self.models("sort=metric")) == ["wine", "drifty", "paused", "iris", "broken", "gone", "pending-new"])
        #expect(Self.rows(try Self.models("sort=-metric")) == ["iris", "drifty", "paused", "wine", "broken", "gone", "pending-new"])
        #expect(Self.rows(try Self.models("sort=sync")).prefix(2) == ["broken", "pending-new"], "what cannot sync first, then changes pending")
        #expect(Self.rows(try Self.models("sort=trend")).prefix(2) == ["iris", "broken"], "only iris has two publications to compare")
        #expect(Self.rows(try Self.models("sort=labels")).prefix(2) == ["wine", "iris"], "team=food before team=vision, models without labels last")
        let page = try Self.models("sort=health&health=ready")
        #expect(page.html.contains("<th scope=\"col\" aria-sort=\"ascending\"><a href=\"/ui?health=ready&amp;sort=-health\">Health"), "the header toggles and keeps the filter")
        #expect(page.html.contains("<a href=\"/ui?health=ready\">Model</a>"), "by name is the default: no sort in the URL")
        #expect(page.html.contains("<input type=\"hidden\" name=\"sort\" value=\"health\">"), "the filter form keeps the sort")
    }

    @Test func filtersByHealthLabelAndName() throws {
        #expect(Self.rows(try Self.models("health=failed&health=rejected")) == ["broken", "wine"])
        #expect(Self.rows(try Self.models("label=team%3Dvision")) == ["iris"])
        #expect(Self.rows(try Self.models("label=team")) == ["iris", "wine"], "a key alone: any value")
        #expect(Self.rows(try Self.models("label=team%3Dvision&label=tier%3Dgold")) == ["iris"], "every label must match")
        #expect(Self.rows(try Self.models("label=team%3Dvision&label=tier%3Dsilver")).isEmpty)
        #expect(Self.rows(try Self.models("q=RI")) == ["drifty", "iris"], "a part of the name, any case")
        let page = try Self.models("q=ri&health=ready")
        #expect(Self.rows(page) == ["iris"])
        // The counts are over the name and label filters, each a link that keeps them.
        #expect(page.html.contains("<a class=\"health-drifted\" href=\"/ui?q=ri&amp;health=drifted\"><span aria-hidden=\"true\">≈</span> drifted <b>1</b></a>"))
        #expect(page.html.contains("<a class=\"health-ready\" href=\"/ui?q=ri&amp;health=ready\" aria-current=\"true\">"))
        #expect(page.html.contains("All <b>2</b>"))
        #expect(page.html.contains("<input type=\"checkbox\" name=\"health\" value=\"ready\" checked>"))
        #expect(page.html.contains("<input type=\"search\" name=\"q\" value=\"ri\""))
        #expect(page.html.contains("<a href=\"/ui\">Clear filters</a>"))
    }

    @Test func whenNothingShowsThePageSaysWhy() throws {
        let none = try Self.models("q=zzz")
        #expect(Self.rows(none).isEmpty && !none.html.contains("<table"))
        #expect(none.html.contains("No model matches these filters. <a href=\"/ui\">Clear the filters</a>"))
        let clock = FixedClock(UIFixture.now)
        let empty = try UI(context: UIContext(store: InMemoryStore(), plans: PlanCache(now: { clock.now }) {
            UIPlan(plan: Plan(items: [], warnings: []), manifests: [], madeAt: UIFixture.now)
        }, clock: clock, server: "sluice ui")).models(UIQuery()).html
        #expect(empty.contains("No models yet. Commit a manifest under <code>manifests/</code>"))
        let broken = try UI(context: UIContext(store: UIFixture.store(hostile: false), plans: PlanCache(now: { clock.now }) {
            .unavailable("The plan cannot be made: manifests/: permission denied", at: UIFixture.now)
        }, clock: clock, server: "sluice ui")).models(UIQuery())
        #expect(broken.html.contains("<p class=\"notice notice-bad\" role=\"alert\">The plan cannot be made: manifests/: permission denied</p>"))
        #expect(Self.rows(broken) == ["broken", "drifty", "gone", "iris", "paused", "wine"], "the store's models still show")
    }

    @Test func urlValuesThatMeanNothingAreNamed() throws {
        let page = try Self.models("sort=speed&health=sad&page=x")
        #expect(page.html.contains("sort=speed is not a column; sort by one of name, sync, health"))
        #expect(page.html.contains("health=sad is not a health; filter by one of failed, stalled"))
        #expect(page.html.contains("page=x is not a page number"))
        #expect(Self.rows(page).count == 7)
    }

    /// A store with `n` models, in the manifests and published once each.
    static func many(_ n: Int) throws -> UI {
        let store = InMemoryStore()
        let names = (1...n).map { String(format: "m%04d", $0) }
        for (i, name) in names.enumerated() {
            try store.recordVersion(VersionRecord(model: name, id: "v-\(name)", artifactDigest: "a", inputs: [:], manifestDigest: "m",
                                                  manifestFile: "manifests/\(name).json", dataDigest: "d", testDigest: nil,
                                                  metrics: ["accuracy": Double(i % 100) / 100], evaluation: [:], trainSeconds: 0,
                                                  trainedAt: UIFixture.start, revision: nil))
            try store.recordPublication(PublicationRecord(model: name, version: "v-\(name)", deploy: .directory(path: "deploy/\(name)"),
                                                          artifactDigest: "a", publishedAt: UIFixture.start, revision: nil, reason: "first"))
        }
        let manifests = names.map { ManifestBuilder($0).manifest }
        let plan = UIPlan(plan: Plan(items: names.map { PlanItem(model: $0, actions: [], condition: .ready) }, warnings: []),
                          manifests: manifests, madeAt: UIFixture.now)
        let clock = FixedClock(UIFixture.now)
        return try UI(context: UIContext(store: store, plans: PlanCache(now: { clock.now }) { plan }, clock: clock, server: "sluice ui"))
    }

    @Test func pagesHoldAHundredRowsAndLinkToTheirNeighbours() throws {
        let ui = try Self.many(250)
        let first = try Self.models("", ui: ui)
        #expect(Self.rows(first).count == 100 && Self.rows(first).first == "m0001")
        #expect(first.html.contains("Showing 1–100 of 250 models"))
        #expect(first.html.contains("<a rel=\"next\" href=\"/ui?page=2\">") && !first.html.contains("rel=\"prev\""))
        let third = try Self.models("sort=-name&page=3", ui: ui)
        #expect(Self.rows(third).count == 50)
        #expect(Self.rows(third).first == "m0050" && Self.rows(third).last == "m0001")
        #expect(third.html.contains("Showing 201–250 of 250 models"))
        #expect(third.html.contains("<a rel=\"prev\" href=\"/ui?sort=-name&amp;page=2\">") && !third.html.contains("rel=\"next\""))
        let past = try Self.models("page=9", ui: ui)
        #expect(Self.rows(past).count == 50, "a page past the end shows the last")
        let second = try Self.models("page=2", ui: ui)
        #expect(second.html.contains("<a rel=\"prev\" href=\"/ui\">"), "back to the first page: no page in the URL")
    }

    @Test func aSparklineShowsTheLastTwentyPublications() throws {
        let store = InMemoryStore()
        for n in 1...25 {
            try store.recordVersion(VersionRecord(model: "iris", id: "v\(n)", artifactDigest: "a", inputs: [:], manifestDigest: "m",
                                                  manifestFile: "manifests/iris.json", dataDigest: "d", testDigest: nil,
                                                  metrics: ["accuracy": Double(n) / 100], evaluation: [:], trainSeconds: 0,
                                                  trainedAt: UIFixture.start, revision: nil))
            try store.recordPublication(PublicationRecord(model: "iris", version: "v\(n)", deploy: .directory(path: "deploy/iris"),
                                                          artifactDigest: "a", publishedAt: UIFixture.start.addingTimeInterval(Double(n)),
                                                          revision: nil, reason: "next"))
        }
        let clock = FixedClock(UIFixture.now)
        let html = try UI(context: UIContext(store: store, plans: PlanCache(now: { clock.now }) {
            .unavailable("no manifests", at: UIFixture.now)
        }, clock: clock, server: "sluice ui")).models(UIQuery()).html
        #expect(html.contains("aria-label=\"accuracy over the last 20 publications: 0.06, 0.07,"))
        #expect(html.contains("0.24, 0.25 (in service)\""))
        #expect(html.components(separatedBy: "<circle").count == 2, "one dot: the version in service")
    }

    /// The same records in a SQLite file show the same page (its whole-store reads answer alike).
    @Test func aSQLiteStoreShowsTheSamePage() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-ui-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let sqlite = try SQLiteStore(path: dir.appendingPathComponent("state.db").path)
        try sqlite.importRecords(try StoreRecords.read(from: try UIFixture.store(hostile: false)))
        let plan = UIFixture.plan(hostile: false)
        let clock = FixedClock(UIFixture.now)
        let ui = try UI(context: UIContext(store: sqlite, plans: PlanCache(now: { clock.now }) { plan }, reconcile: .init(tokenRequired: false),
                                           clock: clock, server: "sluice ui"))
        for query in ["", "sort=-metric", "sort=reconciled&health=ready&health=retired"] {
            #expect(try ui.models(UIQuery(parsing: query)).html == (try Self.models(query)).html, "?\(query)")
        }
    }

    @Test func aReconcileStartedFromThePageIsSaidOnceAndNotCarriedOn() throws {
        let html = try Self.models("health=ready&reconciled=1").html
        #expect(html.contains("<p class=\"notice\" role=\"status\">A cycle starts now.</p>"))
        #expect(html.contains("<input type=\"hidden\" name=\"back\" value=\"/ui?health=ready\">"))
        #expect(!html.contains("reconciled=1"))
    }
}
