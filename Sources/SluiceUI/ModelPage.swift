import Foundation
import SluiceController
import SluiceReconcile

extension UI {
    /// `/ui/models/{name}`: one model; 404 for a model neither the store nor the manifests know.
    public func model(_ name: String, _ query: UIQuery) throws -> UIPage {
        let plan = context.plans.current()
        let versions = try context.store.versions(model: name)
        let known = try !versions.isEmpty || plan.manifest(name) != nil || context.store.modelNames().contains(name)
        guard known else {
            return page(title: "Not found", section: .models, body: render("model", ["missing": true, "name": name]), plan: plan,
                        back: "/ui", status: 404)
        }
        let rows = versions.map { v -> [String: Any] in ["id": v.id, "short": UIFormat.short(v.id), "created": UIFormat.time(v.trainedAt)] }
        let lines = plan.item(name).map { item in item.actions.isEmpty ? [PlanText.status(item).plain] : item.actions.map { PlanText.action($0).plain } } ?? []
        let body = render("model", ["name": name, "versions": rows, "plan": lines.joined(separator: "\n")])
        return page(title: name, section: .models, body: body, plan: plan, back: HTML.modelPath(name) + query.text)
    }
}
