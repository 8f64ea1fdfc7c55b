import Foundation
import SluiceController
import SluiceCore
import SluiceReconcile
import Testing
@testable import SluiceUI

/// What a hostile URL or an odd store must not do to the pages (the review of issue 16).
@Suite struct UIHardeningTests {
    /// A `"` followed by a combining mark is one Character: escaping by Characters (the template
    /// library's own) lets it close the attribute and add an event handler.
    @Test(arguments: ["/ui?q=", "/ui?label=", "/ui/plan?q=", "/ui/events?model="])
    func aQuoteWithACombiningMarkStaysInsideItsAttribute(page: String) throws {
        let ui = try UIFixture.ui()
        let attack = "\"\u{301} autofocus onfocus=alert(1) x=\""
        let query = UIQuery(parsing: String(page.split(separator: "?")[1]) + HTML.queryComponent(attack))
        let html = switch page.split(separator: "?")[0] {
        case "/ui": try ui.models(query).html
        case "/ui/plan": try ui.plan(query).html
        default: try ui.events(query).html
        }
        // Compared code unit by code unit (.literal): Character comparison would see `"́` as one letter.
        let raw = "\"\u{301} autofocus", escaped = "&quot;\u{301} autofocus onfocus=alert(1) x=&quot;"
        let left = html.range(of: raw, options: .literal) != nil, kept = html.range(of: escaped, options: .literal) != nil
        #expect(!left, "a raw quote closes the attribute")
        #expect(kept)
    }

    /// Metrics at the ends of Double's range: the sparkline is drawn, the server does not trap.
    @Test func extremeMetricsDrawASparklineWithoutTrapping() throws {
        let store = InMemoryStore()
        for (n, value) in [1.7e308, -1.7e308, .infinity].enumerated() {
            let id = SHA256.hex(of: "x\(n)")
            try store.recordVersion(VersionRecord(model: "x", id: id, artifactDigest: id, inputs: .object([:]), manifestDigest: "m", manifestFile: "manifests/x.json",
                                                  dataDigest: "d", testDigest: nil, metrics: ["accuracy": value], evaluation: .object([:]), trainSeconds: 0,
                                                  trainedAt: UIFixture.start, revision: nil))
            try store.recordPublication(PublicationRecord(model: "x", version: id, deploy: .directory(path: "deploy/x"), artifactDigest: id,
                                                          publishedAt: UIFixture.start.addingTimeInterval(Double(n)), revision: nil, reason: "test"))
        }
        let ui = try UI(context: UIContext(store: store, plans: PlanCache { .unavailable("none", at: UIFixture.now) }, server: "test"))
        let html = try ui.models(UIQuery()).html
        #expect(html.contains("<svg class=\"sparkline\""))
        #expect(UIFormat.metric(1.7e308) != "null")
    }

    /// A manifest that does not read (or data that cannot be had) and a withheld retirement are
    /// not "up to date", whatever the last cycle recorded.
    @Test func aModelThePlanCannotBringInLineIsNeitherSyncedNorReady() throws {
        let ready = ConditionRecord(model: "iris", condition: "ready", message: "", version: nil, since: UIFixture.start,
                                    checkedAt: UIFixture.start, revision: nil)
        #expect(Health.of(condition: ready, monitor: nil, manifest: nil, planned: .failed) == .failed)
        #expect(Health.of(condition: ready, monitor: nil, manifest: nil, planned: .blocked) == .stalled)
        let plan = UIPlan(plan: Plan(items: [PlanItem(model: "iris", actions: [], condition: .failed, reason: Reason(.invalidManifest, "bad"))], warnings: []),
                          manifests: [], madeAt: UIFixture.now)
        #expect(Sync.of("iris", in: plan) == .blocked)
    }
}
