import Foundation

/// The Models page's parts, as the template's dictionaries: the table's headers, the count per
/// health, the filter form and a row.
extension UI {
    /// The headers: each one a link that sorts by it (again: the other way), with `aria-sort` on the current one.
    func headers(_ view: ModelsView, _ query: UIQuery) -> [[String: Any]] {
        let columns: [(ModelsView.Column, String, String)] = [
            (.name, "Model", ""), (.sync, "Sync", ""), (.health, "Health", ""), (.version, "In service", ""),
            (.metric, "Gate metric", "num"), (.trend, "Over publications", ""), (.reconciled, "Last reconcile", ""),
            (.target, "Target", ""), (.labels, "Labels", ""),
        ]
        return columns.map { column, label, cls in
            var h: [String: Any] = ["label": label]
            if !cls.isEmpty { h["class"] = cls }
            let current = view.sort == column
            let next = current && !view.descending ? "-" + column.rawValue : column.rawValue
            h["href"] = Self.link(query.setting("sort", to: next == "name" ? nil : next).setting("page", to: nil))
            if current {
                h["ariaSort"] = view.descending ? "descending" : "ascending"
                h["arrow"] = view.descending ? "▼" : "▲"
            }
            return h
        }
    }

    /// The count of each health among the rows the label and name filters leave, each a link that shows only those.
    func summary(_ rows: [ModelsRow], _ view: ModelsView, _ query: UIQuery) -> [String: Any] {
        var counts: [Health: Int] = [:]
        for r in rows { counts[r.health, default: 0] += 1 }
        let base = query.setting("page", to: nil).setting("health", to: nil)
        let items = Health.allCases.compactMap { h -> [String: Any]? in
            guard let n = counts[h] else { return nil }
            return ["health": h.rawValue, "symbol": h.symbol, "words": h.words, "count": grouped(n),
                    "href": Self.link(base.setting("health", to: h.rawValue)), "current": view.healths == [h]]
        }
        return ["items": items, "all": grouped(rows.count), "allHref": Self.link(base), "allCurrent": view.healths.isEmpty]
    }

    /// The filter form's values (it works without JavaScript: a GET to `/ui`).
    func form(_ view: ModelsView) -> [String: Any] {
        var form: [String: Any] = [
            "healthOptions": Health.allCases.map { h -> [String: Any] in
                ["value": h.rawValue, "symbol": h.symbol, "words": h.words, "checked": view.healths.contains(h)]
            },
            "labelValues": view.labels + [""],
            "healthChosen": !view.healths.isEmpty,
        ]
        if let q = view.q { form["q"] = q }
        if view.sort != .name || view.descending { form["sort"] = (view.descending ? "-" : "") + view.sort.rawValue }
        return form
    }

    /// A model's row.
    func row(_ r: ModelsRow, _ query: UIQuery) -> [String: Any] {
        var row: [String: Any] = [
            "name": r.name, "href": HTML.modelPath(r.name),
            "health": r.health.rawValue, "healthWords": r.health.words, "healthSymbol": r.health.symbol,
            "sync": r.sync.rawValue, "syncWords": r.sync.words, "metric": r.metric,
        ]
        if let v = r.version { row["version"] = ["short": UIFormat.short(v), "full": v] }
        if let v = r.value { row["value"] = UIFormat.metric(v) }
        if let svg = r.sparkline.svg { row["sparkline"] = svg }
        if let t = r.trend { row["trend"] = UIFormat.delta(t) }
        if let at = r.checkedAt { row["reconciled"] = ["age": UIFormat.age(at, now: context.clock.now), "time": UIFormat.time(at)] }
        if let t = r.target { row["target"] = t }
        if !r.labels.isEmpty {
            let base = query.setting("page", to: nil)
            row["labels"] = r.sortedLabels.map { l -> [String: Any] in
                let filter = "\(l.key)=\(l.value)"
                let q = base.all("label").contains(filter) ? base : UIQuery(base.items + [("label", filter)])
                return ["text": filter, "href": Self.link(q)]
            }
        }
        return row
    }
}
