import Foundation
import SluiceManifest
import SluiceReconcile

extension UI {
    /// Above this many unchanged models, `/ui/plan` folds them away (a `<details>` to open).
    static let unchangedShownOpen = 20

    /// `/ui/plan`: the global plan, the "global diff" (argo-cd#28889): the models that change first,
    /// each with its lines as `sluice plan` words them (``PlanText``), then the unchanged ones, the
    /// manifest errors and warnings, and the `Plan:` counts. Filtered by ``PlanFilter`` from the URL.
    public func plan(_ query: UIQuery) throws -> UIPage {
        let plan = context.plans.current()
        var object: [String: Any] = [:]
        if let problem = plan.problem { object["problem"] = problem }
        if let p = plan.plan {
            object.merge(Self.planObject(p, plan, PlanFilter(query)), uniquingKeysWith: { _, new in new })
        }
        let body = render("plan", object)
        return page(title: "Plan", section: .plan, body: body, plan: plan, back: "/ui/plan" + query.withoutNotice.text, notice: query.notice)
    }

    /// The template's values for a plan that was made.
    static func planObject(_ p: Plan, _ reading: UIPlan, _ filter: PlanFilter) -> [String: Any] {
        let manifests = Dictionary(reading.manifests.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let shown = p.items.filter { filter.admits($0, manifest: manifests[$0.model]) }
        let changing = shown.filter { !$0.actions.isEmpty }
        let quiet = shown.filter(\.actions.isEmpty)
        func item(_ item: PlanItem) -> [String: Any] {
            let lines = item.actions.isEmpty ? [PlanText.status(item)] : item.actions.map(PlanText.action)
            return ["model": item.model, "href": HTML.modelPath(item.model), "changes": !item.actions.isEmpty,
                    "lines": lines.map(lineMarkup).joined(separator: "\n")]
        }
        var object: [String: Any] = [
            "hasPlan": true,
            "headline": PlanText.headline(p, hasErrors: !reading.errors.isEmpty),
            "summary": PlanText.summary(p),
            "changing": changing.map(item),
            "quiet": quiet.map(item),
            "quietOpen": quiet.count <= unchangedShownOpen,
            "counts": "Showing \(shown.count) of \(p.items.count) model\(p.items.count == 1 ? "" : "s"): \(changing.count) with changes, \(quiet.count) unchanged.",
            "changesOnly": filter.changesOnly,
            "actions": ActionKind.allCases.map { kind -> [String: Any] in
                ["kind": kind.rawValue, "count": p.count(kind), "checked": filter.actions.contains(kind)]
            },
            "label": filter.labels.first.map { label in label.value.map { "\(label.key)=\($0)" } ?? label.key } ?? "",
            "q": filter.name ?? "",
        ]
        if !quiet.isEmpty { object["hasQuiet"] = true }
        if shown.isEmpty { object["noneShown"] = true }
        if filter.isActive { object["filtered"] = true }
        if !filter.problems.isEmpty { object["filterProblems"] = filter.problems }
        if !reading.errors.isEmpty { object["errors"] = reading.errors; object["hasErrors"] = true }
        let warnings = p.warnings.filter { !$0.isInvalidManifest }.map(\.description)
        if !warnings.isEmpty { object["warnings"] = warnings }
        return object
    }

    /// One plan line as markup: the mark in the colour of its tone, kept as text (`+ train`,
    /// `! wine`), then the words; both escaped.
    static func lineMarkup(_ line: PlanText.Line) -> String {
        "<span class=\"tone-\(line.tone.rawValue)\">" + HTML.escape(line.mark) + "</span>" + HTML.escape(line.text)
    }
}
