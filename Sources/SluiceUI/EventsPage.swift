import Foundation
import SluiceController

extension UI {
    /// `/ui/events`: the event log.
    public func events(_ query: UIQuery) throws -> UIPage {
        let events = try context.store.events(model: query["model"], limit: 500)
        let rows = events.map { e -> [String: Any] in
            ["at": UIFormat.time(e.at), "model": e.model, "href": HTML.modelPath(e.model), "kind": e.kind.rawValue, "message": e.message]
        }
        let body = render("events", ["rows": rows])
        return page(title: "Events", section: .events, body: body, plan: nil, back: "/ui/events" + query.text)
    }
}
