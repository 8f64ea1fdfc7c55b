import Foundation
import Testing
import SluiceController
import SluiceTesting
@testable import SluiceUI

/// `/ui/events`: the event log over ``UIFixture``, its filters, counts and pages.
@Suite struct EventsPageTests {
    @Test func goldenPage() throws {
        let page = try UIFixture.ui().events(UIQuery())
        #expect(page.status == 200)
        try expectGoldenMain(page.html, "events.html")
    }

    static func rows(_ html: String) -> [(kind: String, model: String)] {
        html.matches(of: #/<tr data-kind="([^"]+)" data-model="([^"]+)">/#).map { (String($0.1), String($0.2)) }
    }

    @Test func newestFirstWithTimesInUTCAndLinksToTheModels() throws {
        let html = try UIFixture.ui().events(UIQuery()).html
        let rows = Self.rows(html)
        #expect(rows.count == 10)
        #expect(rows.first! == ("breached", "drifty"), "the last recorded first")
        #expect(rows.last! == ("trained", "iris"), "the first recorded last")
        #expect(html.contains(#"<td class="at">2026-01-01 23:00:00Z <span class="muted">1h ago</span></td><td><a href="/ui/models/broken">broken</a></td>"#))
        #expect(html.contains("10 events of every model"))
        #expect(!html.contains("Older →"), "one page")
    }

    struct FilterCase: Sendable, CustomTestStringConvertible {
        var query: String
        var count: Int
        var models: Set<String>
        var kinds: Set<String>
        var testDescription: String { query }
    }

    static let filterCases: [FilterCase] = [
        FilterCase(query: "model=iris", count: 6, models: ["iris"], kinds: ["trained", "published"]),
        FilterCase(query: "kind=published", count: 3, models: ["iris"], kinds: ["published"]),
        FilterCase(query: "kind=retired&kind=failed", count: 2, models: ["gone", "broken"], kinds: ["retired", "failed"]),
        FilterCase(query: "model=iris&kind=trained", count: 3, models: ["iris"], kinds: ["trained"]),
        FilterCase(query: "model=nobody", count: 0, models: [], kinds: []),
    ]

    @Test(arguments: filterCases)
    func filtersByModelAndKind(_ c: FilterCase) throws {
        let (query, count, models, kinds) = (c.query, c.count, c.models, c.kinds)
        let html = try UIFixture.ui().events(UIQuery(parsing: query)).html
        let rows = Self.rows(html)
        #expect(rows.count == count, "\(query)")
        #expect(Set(rows.map(\.model)) == models, "\(query)")
        #expect(Set(rows.map(\.kind)) == kinds, "\(query)")
        #expect(html.contains("<a href=\"/ui/events\">Clear filters</a>"))
        if count == 0 { #expect(html.contains("No events match these filters.")) }
    }

    @Test func kindCountsFollowTheModelFilter() throws {
        let all = try UIFixture.ui().events(UIQuery()).html
        #expect(all.contains(#"<input type="checkbox" name="kind" value="published"> published (3)"#))
        #expect(all.contains(#"<input type="checkbox" name="kind" value="breached"> breached (1)"#))
        let iris = try UIFixture.ui().events(UIQuery(parsing: "model=iris&kind=trained")).html
        #expect(iris.contains(#"<input type="checkbox" name="kind" value="trained" checked> trained (3)"#))
        #expect(iris.contains(#"<input type="checkbox" name="kind" value="failed"> failed (0)"#))
        #expect(iris.contains(#"6 events of iris (<a href="/ui/models/iris">the model's page</a>)"#))
        #expect(iris.contains(#"<input type="text" name="model" value="iris""#))
    }

    @Test func badParametersAreSaid() throws {
        let html = try UIFixture.ui().events(UIQuery(parsing: "kind=exploded&before=soon")).html
        #expect(html.contains("kind=exploded is not a kind of event; use one of trained, evaluated"))
        #expect(html.contains("before=soon is not a place in the log; showing the newest events."))
        #expect(Self.rows(html).count == 10, "the known filters still apply")
    }

    /// 250 events: three pages of 100, 100 and 50, each continuing below the last, no repeats.
    @Test func pagesThroughALongLog() throws {
        let store = InMemoryStore()
        for i in 0..<250 {
            try store.recordEvent(EventRecord(at: UIFixture.start.addingTimeInterval(Double(i)), model: "m\(i % 7)", kind: .trained,
                                              message: "event \(i)", revision: nil))
        }
        let clock = FixedClock(UIFixture.now)
        let ui = try UI(context: UIContext(store: store, plans: PlanCache { .unavailable("none", at: clock.now) }, clock: clock, server: "sluice ui"))
        var query = UIQuery()
        var seen: [String] = []
        var pages = 0
        while true {
            let html = try ui.events(query).html
            pages += 1
            seen += html.matches(of: #/<td class="message">(event [0-9]+)</td>/#).map { String($0.1) }
            #expect(html.contains("← Newest") == (pages > 1))
            guard let older = html.firstMatch(of: #/<a href="/ui/events\?([^"]+)" rel="next">Older →</a>/#) else { break }
            query = UIQuery(parsing: String(older.1).replacingOccurrences(of: "&amp;", with: "&"))
            #expect(pages < 5)
        }
        #expect(pages == 3)
        #expect(seen == (0..<250).reversed().map { "event \($0)" })
    }

    @Test func hostileTextIsInert() throws {
        let html = try UIFixture.ui(hostile: true).events(UIQuery(parsing: "model=%3Cscript%3E")).html
        #expect(!html.contains("<script>"))
        #expect(html.contains("value=\"&lt;script&gt;\""))
        let all = try UIFixture.ui(hostile: true).events(UIQuery()).html
        #expect(!all.contains("<img"))
        #expect(all.contains("<td class=\"message\">&lt;img src=x onerror=alert(1)&gt; &amp; &quot;quoted&quot;</td>"))
    }

    @Test func theNoticeAfterReconcileNow() throws {
        let html = try UIFixture.ui().events(UIQuery(parsing: "model=iris&reconciled=1")).html
        #expect(html.contains(#"<p class="notice" role="status">A cycle starts now.</p>"#))
        #expect(html.contains(#"<input type="hidden" name="back" value="/ui/events?model=iris">"#))
    }
}
