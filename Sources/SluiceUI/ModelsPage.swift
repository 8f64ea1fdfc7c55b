import Foundation
import SluiceController
import SluiceReconcile

extension UI {
    /// `/ui`: one row per model.
    public func models(_ query: UIQuery) throws -> UIPage {
        let plan = context.plans.current()
        let store = context.store
        let conditions = Dictionary(try store.conditions().map { ($0.model, $0) }, uniquingKeysWith: { a, _ in a })
        let monitors = Dictionary(try store.monitorStates().map { ($0.model, $0) }, uniquingKeysWith: { a, _ in a })
        let names = Set(try store.modelNames()).union(plan.manifests.map(\.name)).sorted()
        let rows = names.map { name -> [String: Any] in
            let health = Health.of(condition: conditions[name], monitor: monitors[name], manifest: plan.manifest(name))
            let sync = Sync.of(name, in: plan)
            return ["name": name, "href": HTML.modelPath(name), "health": health.rawValue, "healthWords": health.words,
                    "sync": sync.rawValue, "syncWords": sync.words]
        }
        let body = render("models", ["rows": rows, "problem": plan.problem ?? ""])
        return page(title: "Models", section: .models, body: body, plan: plan, back: "/ui" + query.text)
    }
}
