import Testing
@testable import SluiceUI

@Suite struct UIQueryTests {
    @Test func decodesPairsAndKeepsTheirOrder() {
        let q = UIQuery(parsing: "sort=-health&label=team%3Drisk&label=tier+1&page=2&empty=&=x")
        #expect(q["sort"] == "-health")
        #expect(q.all("label") == ["team=risk", "tier 1"])
        #expect(q["empty"] == nil)
        #expect(q.setting("page", to: "3").text == "?sort=-health&label=team%3Drisk&label=tier%201&empty=&page=3")
    }

    @Test func escapesEverythingThatCouldLeaveTheText() {
        #expect(HTML.escape("<script>alert('x')</script>&\"") == "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;")
        #expect(HTML.modelPath("a/b c") == "/ui/models/a%2Fb%20c")
    }
}

@Suite struct UIFixtureTests {
    /// The fixture reads as documented, so the pages' tests start from known states.
    @Test func fixtureHasEveryHealth() throws {
        let ui = try UIFixture.ui()
        let page = try ui.models(UIQuery())
        for (model, health) in [("iris", "ready"), ("wine", "rejected"), ("broken", "failed"), ("paused", "suspended"), ("drifty", "drifted"),
                                ("pending-new", "pending"), ("gone", "retired")] {
            #expect(page.html.contains("data-model=\"\(model)\" data-health=\"\(health)\""), "\(model) should be \(health)")
        }
    }
}
