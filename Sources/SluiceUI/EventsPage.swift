import Foundation
import SluiceController

extension UI {
    /// Events on one page of `/ui/events`.
    public static let eventsPerPage = 100

    /// `/ui/events`: the event log, newest first, filtered by model (`model=`) and kinds (`kind=`,
    /// repeatable), a page at a time (`before=` the last event of the page before: the "Older" link),
    /// with each kind's count. Reads one page and the counts, never the whole log.
    public func events(_ query: UIQuery) throws -> UIPage {
        let store = context.store
        var problems: [String] = []
        var kinds: Set<EventKind> = []
        for word in query.all("kind") {
            if let kind = EventKind(rawValue: word) { kinds.insert(kind) } else {
                problems.append("kind=\(word) is not a kind of event; use one of \(EventKind.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
        }
        var before: Int64?
        if let text = query["before"] {
            if let n = Int64(text), n > 0 { before = n } else { problems.append("before=\(text) is not a place in the log; showing the newest events.") }
        }
        let model = query["model"]
        let logged = try store.eventLog(EventLogQuery(model: model, kinds: kinds, before: before, limit: Self.eventsPerPage + 1))
        let shown = logged.prefix(Self.eventsPerPage)
        let counts = try store.eventCounts(model: model)
        let now = context.clock.now
        let rows = shown.map { l -> [String: Any] in
            let e = l.event
            var row: [String: Any] = ["at": UIFormat.time(e.at), "age": UIFormat.age(e.at, now: now), "model": e.model,
                                      "href": HTML.modelPath(e.model), "kind": e.kind.rawValue, "message": e.message]
            if let r = e.revision { row["revision"] = String(r.prefix(12)) }
            return row
        }
        let base = query.withoutNotice.setting("before", to: nil)
        var object: [String: Any] = [
            "rows": rows,
            "model": model ?? "",
            "kinds": EventKind.allCases.map { k -> [String: Any] in
                ["kind": k.rawValue, "count": counts[k] ?? 0, "checked": kinds.contains(k)]
            },
            "total": counts.values.reduce(0, +),
            "scope": model.map { "of \($0)" } ?? "of every model",
        ]
        if rows.isEmpty { object["empty"] = true }
        if logged.count > Self.eventsPerPage, let last = shown.last {
            object["older"] = "/ui/events" + base.setting("before", to: String(last.sequence)).text
        }
        if before != nil { object["newest"] = "/ui/events" + base.text }
        if model != nil || !kinds.isEmpty { object["filtered"] = true }
        if let model { object["modelHref"] = HTML.modelPath(model) }
        if !problems.isEmpty { object["problems"] = problems }
        let body = render("events", object)
        return page(title: "Events", section: .events, body: body, plan: nil, back: "/ui/events" + query.withoutNotice.text, notice: query.notice)
    }
}
