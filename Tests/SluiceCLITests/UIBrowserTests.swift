import Foundation
import Testing
import SluiceCore

/// The web UI as a person sees it (issue 16): the real `sluice run` on a real git repository with a
/// model in each of several states, its pages loaded by headless Chromium over loopback. The test
/// checks the DOM Chromium built (`--dump-dom`) against the pages' DOM contract, and leaves
/// screenshots under `.build/ui-screenshots/` for people to look at:
///
/// - `models.png`, `models-phone.png`: `/ui` at 1280×900 and at 375×800;
/// - `model-iris.png`: `/ui/models/iris`; `plan.png`: `/ui/plan`; `events.png`: `/ui/events`;
/// - `models-dark.png`, `model-iris-dark.png`: the same in a browser set to dark.
///
/// Without Chromium the test is skipped, saying to run `scripts/deps`; under CI (`CI` set) it runs
/// and fails with that message instead, so that a CI machine cannot pass by lacking the browser.
@Suite struct UIBrowserTests {
    /// Where the screenshots go: `.build/ui-screenshots/` of the package.
    static let screenshots = Sandbox.repository.appendingPathComponent(".build/ui-screenshots")

    /// A repository whose store holds, once `sluice run` has done a cycle:
    ///
    /// - `iris` (the shipped random forest): ready, three versions published one after another;
    /// - `strict`: rejected, its gate (accuracy ≥ 0.99 for a one-level tree on wine) out of reach;
    /// - `broken`: failed, its dataset file missing;
    /// - `paused`: suspended in its manifest after a first publish;
    /// - `gone`: retired, its manifest removed after a first publish.
    func repository() throws -> Sandbox {
        let s = try Sandbox()
        try s.write("manifests/strict.json", s.manifest(name: "strict", params: ["maxDepth": 1], gate: ["accuracy": ["min": 0.99]],
                                                         source: "examples/data/wine.csv"))
        try s.edit("manifests/strict.json") { $0.set("spec.dataset.target", "target"); $0.set("metadata.labels", ["team": "food"]) }
        try s.write("manifests/broken.json", s.manifest(name: "broken", source: "examples/data/missing.csv"))
        try s.write("manifests/paused.json", s.manifest(name: "paused"))
        try s.write("manifests/gone.json", s.manifest(name: "gone"))
        try s.commitAll()
        try s.run("apply")
        // Two more published versions of iris, each from its own commit (the chart and the sparkline need several).
        for trees in [40, 60] {
            try s.edit("manifests/iris.json") { $0.set("spec.algorithm.params.nEstimators", .number(Double(trees))) }
            try s.commitAll("iris with \(trees) trees")
            try s.run("apply")
        }
        try s.edit("manifests/paused.json") { $0.set("spec.suspend", true) }
        try s.remove("manifests/gone.json")
        try s.commitAll("suspend paused, remove gone")
        return s
    }

    @Test(.enabled(if: Chromium.installed || Chromium.underCI, "chromium is not installed: run scripts/deps (the test fails instead under CI)"),
          .timeLimit(.minutes(10)))
    func thePagesShowEveryModelsStateInTheBrowser() throws {
        let chromium = try Chromium()
        let s = try repository()
        #expect(try s.trainings("iris") == 3)

        let controller = try ControllerProcess(s, ["--interval", "30", "--listen", "127.0.0.1:0"])
        let base = "http://127.0.0.1:\(try controller.port())"
        #expect(waitUntil(timeout: 60) { (try? http("GET", base + "/readyz"))?.status == 200 }, "\(controller.output)")

        try FileManager.default.createDirectory(at: Self.screenshots, withIntermediateDirectories: true)
        func shot(_ path: String, _ name: String, _ window: Chromium.Window = .desktop, dark: Bool = false) throws {
            try chromium.screenshot(base + path, to: Self.screenshots.appendingPathComponent(name), window: window, dark: dark)
        }
        try shot("/ui", "models.png")
        try shot("/ui", "models-phone.png", .phone)
        try shot("/ui", "models-dark.png", dark: true)
        try shot("/ui/models/iris", "model-iris.png")
        try shot("/ui/models/iris", "model-iris-dark.png", dark: true)
        try shot("/ui/plan", "plan.png")
        try shot("/ui/events", "events.png")

        let pages = try ["/ui", "/ui/models/iris", "/ui/plan", "/ui/events"].map { path in (path, DumpedDOM(html: try chromium.dumpDOM(base + path))) }
        try checkModels(pages[0].1)
        try checkModel(pages[1].1, versions: s.history("iris"))
        checkPlan(pages[2].1)
        checkEvents(pages[3].1)
        for (path, dom) in pages {
            #expect(!dom.elements("nav").isEmpty, "no navigation on \(path)")
            #expect(dom.elements("form", class: "reconcile").count == 1, "no Reconcile now form on \(path), served by sluice run")
            // A notice is shown only when there is something to say (an empty string is truthy in Mustache).
            let empty = dom.elements("p", class: "notice").filter { $0.inner.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
            #expect(empty.isEmpty, "\(path) shows \(empty.count) empty p.notice")
        }
        // The phone's window lays out the same rows (the table scrolls inside its wrapper).
        let phone = DumpedDOM(html: try chromium.dumpDOM(base + "/ui", window: .phone))
        #expect(phone.elements("tr").filter { $0.attributes["data-model"] != nil }.count == 5)

        #expect(controller.signal(SIGTERM, timeout: 20)?.status == 0, "\(controller.output)")
    }

    /// `/ui`: a row per model with its health; a sparkline for each model with a published version.
    func checkModels(_ dom: DumpedDOM) throws {
        #expect(dom.element(id: "models") != nil, "no table#models in /ui")
        let table = try #require(dom.elements("table", ["id": "models"]).first)
        let rows = DumpedDOM(html: table.inner).elements("tr").filter { $0.attributes["data-model"] != nil }
        let health = Dictionary(rows.map { ($0.attributes["data-model"]!, $0.attributes["data-health"] ?? "") }, uniquingKeysWith: { a, _ in a })
        #expect(health == ["iris": "ready", "strict": "rejected", "broken": "failed", "paused": "suspended", "gone": "retired"])
        for row in rows {
            #expect(["synced", "pending", "orphan", "unknown", "blocked"].contains(row.attributes["data-sync"] ?? ""), "\(row.attributes)")
        }
        #expect(rows.first { $0.attributes["data-model"] == "iris" }?.attributes["data-sync"] == "synced")
        #expect(rows.first { $0.attributes["data-model"] == "gone" }?.attributes["data-sync"] == "orphan")
        // Built on another branch of issue 16: the table scrolls inside its wrapper on a phone, and
        // the sparkline of the gate metric across published versions.
        #expect(dom.elements("div", class: "scroll").contains { $0.inner.contains("id=\"models\"") }, "table#models is not inside a div.scroll")
        for model in ["iris", "paused"] {
            let row = rows.first { $0.attributes["data-model"] == model }
            #expect(row.map { !DumpedDOM(html: $0.inner).elements("svg", class: "sparkline").isEmpty } == true,
                    "no svg.sparkline in the row of \(model), which has a published version")
        }
    }

    /// `/ui/models/iris`: its versions, the metric chart with its threshold band, and the sections.
    func checkModel(_ dom: DumpedDOM, versions history: JSON) throws {
        let ids = Set((history["versions"]?.arrayValue ?? []).compactMap { $0["version"]?.stringValue })
        #expect(ids.count == 3, "history iris --json: \(history)")
        let table = try #require(dom.elements("table", ["id": "versions"]).first, "no table#versions on /ui/models/iris")
        let rows = Set(DumpedDOM(html: table.inner).elements("tr").compactMap { $0.attributes["data-version"] })
        #expect(rows == ids)
        let plan = try #require(dom.element(id: "plan"), "no #plan on /ui/models/iris")
        let pre = DumpedDOM(html: plan.inner).elements("pre", class: "plan")
        #expect(pre.count == 1 && pre.first?.inner.contains("published") == true, "\(plan.inner)")
        // Built on another branch of issue 16: the chart, the gate history and the publications.
        let charts = dom.elements("svg", class: "metric-chart")
        #expect(!charts.isEmpty, "no svg.metric-chart on /ui/models/iris")
        #expect(charts.contains { !DumpedDOM(html: $0.inner).elements("rect", class: "band").isEmpty }, "no rect.band in the metric chart")
        #expect(charts.allSatisfy { $0.attributes["role"] == "img" && !($0.attributes["aria-label"] ?? "").isEmpty }, "a chart without role=img and aria-label")
        #expect(dom.element(id: "gate-history") != nil, "no #gate-history on /ui/models/iris")
        #expect(dom.element(id: "publications") != nil, "no #publications on /ui/models/iris")
    }

    /// `/ui/plan`: an item per model of the manifests, none with changes after a cycle.
    func checkPlan(_ dom: DumpedDOM) {
        #expect(dom.elements("section", ["id": "plan"]).count == 1, "no section#plan on /ui/plan")
        let items = dom.elements("div", class: "plan-item")
        let changes = Dictionary(items.map { ($0.attributes["data-model"] ?? "", $0.attributes["data-changes"] ?? "") }, uniquingKeysWith: { a, _ in a })
        #expect(changes["iris"] == "false" && changes["strict"] == "false" && changes["paused"] == "false", "\(changes)")
        #expect(changes["broken"] == "false" || changes["broken"] == "true", "\(changes)")
        #expect(Set(changes.keys).isSuperset(of: ["iris", "strict", "broken", "paused"]), "\(changes)")
    }

    /// `/ui/events`: what happened, with its kind and model.
    func checkEvents(_ dom: DumpedDOM) {
        let rows = dom.elements("table", ["id": "events"]).first.map { DumpedDOM(html: $0.inner).elements("tr") } ?? []
        let seen = Set(rows.compactMap { r in r.attributes["data-kind"].map { "\($0) \(r.attributes["data-model"] ?? "")" } })
        #expect(seen.isSuperset(of: ["published iris", "published paused", "retired gone"]), "\(seen.sorted())")
        #expect(seen.contains("rejected strict"), "\(seen.sorted())")
    }
}
