import Foundation
import SluiceController
import SluiceReconcile

extension UI {
    /// `/ui`: one row per model the store or the manifests know, sorted, filtered and paged as the
    /// URL says (``ModelsView``), with a count per health above the table.
    ///
    /// The store is read whole, once per kind of record (conditions, monitor states, open
    /// publications, the last publications' metrics), never once per model; every row's sort key is
    /// made, only the page's rows are rendered.
    public func models(_ asked: UIQuery) throws -> UIPage {
        let query = asked.withoutNotice  // links do not carry it; the layout says it once
        let plan = context.plans.current()
        let store = context.store
        let view = ModelsView(query)
        // The publications' metrics are read for every model only when the order depends on them;
        // otherwise for the page's rows alone (the read that grows with the fleet's history).
        let everyHistory = view.sort == .metric || view.sort == .trend
        let rows = ModelsRow.all(names: try store.modelNames(), plan: plan, conditions: try store.conditions(),
                                 monitors: try store.monitorStates(), active: try store.activePublications(),
                                 history: everyHistory ? try store.publishedMetrics(lastPerModel: ModelsRow.sparklinePoints + 1, models: nil) : nil)
        let candidates = rows.filter(view.matchesLabelsAndName)
        let shown = view.sorted(view.healths.isEmpty ? candidates : candidates.filter(view.matches))
        let number = view.pageShown(of: shown.count)
        let start = (number - 1) * ModelsView.pageSize
        var pageRows = Array(shown[start..<min(shown.count, start + ModelsView.pageSize)])
        if !everyHistory, !pageRows.isEmpty {
            let history = Dictionary(grouping: try store.publishedMetrics(lastPerModel: ModelsRow.sparklinePoints + 1, models: pageRows.map(\.name)),
                                     by: \.model)
            for i in pageRows.indices { pageRows[i].attach(history[pageRows[i].name] ?? []) }
        }

        var object: [String: Any] = [
            "headers": headers(view, query),
            "summary": summary(candidates, view, query),
            "form": form(view),
        ]
        if !pageRows.isEmpty {
            object["table"] = true
            object["rows"] = pageRows.map { row($0, query) }
            object["showing"] = "Showing \(grouped(start + 1))–\(grouped(start + pageRows.count)) of \(grouped(shown.count)) \(shown.count == 1 ? "model" : "models")"
        } else if rows.isEmpty {
            object["noModels"] = true
        } else {
            object["noMatch"] = true
        }
        if view.filtered { object["clearHref"] = Self.link(query.setting("health", to: nil).setting("label", to: nil).setting("q", to: nil).setting("page", to: nil)) }
        if number > 1 { object["previousHref"] = Self.link(query.setting("page", to: number == 2 ? nil : "\(number - 1)")) }
        if start + ModelsView.pageSize < shown.count { object["nextHref"] = Self.link(query.setting("page", to: "\(number + 1)")) }
        if object["previousHref"] != nil || object["nextHref"] != nil { object["pager"] = true }
        if let problem = plan.problem { object["problem"] = problem }
        if !plan.errors.isEmpty { object["hasManifestErrors"] = true; object["manifestErrors"] = plan.errors }
        if !view.problems.isEmpty { object["queryProblems"] = view.problems }
        return page(title: "Models", section: .models, body: render("models", object), plan: plan, back: "/ui" + query.text, notice: asked.notice)
    }

    /// A link to the Models page with `query`.
    static func link(_ query: UIQuery) -> String { "/ui" + query.text }

    /// `1,000`: a count with its thousands grouped, the same on every machine.
    func grouped(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return (n < 0 ? "-" : "") + out
    }
}
