import Foundation
import SluiceReconcile

extension UI {
    /// `/ui/plan`: the global plan.
    public func plan(_ query: UIQuery) throws -> UIPage {
        let plan = context.plans.current()
        let items = (plan.plan?.items ?? []).map { item -> [String: Any] in
            let lines = item.actions.isEmpty ? [PlanText.status(item).plain] : item.actions.map { PlanText.action($0).plain }
            return ["model": item.model, "changes": !item.actions.isEmpty, "lines": lines.joined(separator: "\n")]
        }
        let body = render("plan", ["items": items, "problem": plan.problem ?? "",
                                   "summary": plan.plan.map { "Plan: " + PlanText.summary($0) } ?? ""])
        return page(title: "Plan", section: .plan, body: body, plan: plan, back: "/ui/plan" + query.text)
    }
}
