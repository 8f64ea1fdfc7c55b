import Foundation

/// What the Models page shows, read from its URL (`?sort=-health&health=failed&label=team=risk&q=ir&page=2`):
/// the sort, the filters and the page. Pure: it sorts, filters and pages rows it is given.
struct ModelsView {
    /// The columns a sort can be by.
    enum Column: String, CaseIterable {
        case name, sync, health, version, metric, trend, reconciled, target, labels
    }

    /// Rows on a page.
    static let pageSize = 100

    var sort: Column = .name
    var descending = false
    /// Healths to show (all when empty).
    var healths: [Health] = []
    /// `key=value` (or `key`) label filters, all of which a row must match.
    var labels: [String] = []
    /// A substring of the name (case-insensitive).
    var q: String?
    /// The 1-based page asked for.
    var page = 1
    /// What in the URL means nothing, said so that someone can fix it.
    var problems: [String] = []

    /// Reads the view from a page's query; values that mean nothing are left out and named in ``problems``.
    init(_ query: UIQuery) {
        if let s = query["sort"] {
            let name = s.hasPrefix("-") ? String(s.dropFirst()) : s
            if let column = Column(rawValue: name) {
                sort = column
                descending = s.hasPrefix("-")
            } else {
                problems.append("sort=\(s) is not a column; sort by one of \(Column.allCases.map(\.rawValue).joined(separator: ", ")) (a leading - sorts descending). Sorted by name.")
            }
        }
        for h in query.all("health") {
            if let health = Health(rawValue: h) {
                if !healths.contains(health) { healths.append(health) }
            } else {
                problems.append("health=\(h) is not a health; filter by one of \(Health.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
        }
        labels = query.all("label").reduce(into: []) { if !$0.contains($1) { $0.append($1) } }
        q = query["q"]?.trimmingCharacters(in: .whitespaces)
        if q?.isEmpty == true { q = nil }
        if let p = query["page"] {
            if let n = Int(p), n >= 1 { page = n } else { problems.append("page=\(p) is not a page number (1, 2, …); showing the first page.") }
        }
    }

    /// Whether any filter is set.
    var filtered: Bool { !healths.isEmpty || !labels.isEmpty || q != nil }

    /// Whether a row passes the label and name filters (the health counts are over these rows).
    func matchesLabelsAndName(_ row: ModelsRow) -> Bool {
        if let q, row.name.range(of: q, options: .caseInsensitive) == nil { return false }
        return labels.allSatisfy { filter in
            let parts = filter.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = String(parts[0])
            guard let value = row.labels[key] else { return false }
            return parts.count == 1 || value == parts[1]
        }
    }

    /// Whether a row passes every filter.
    func matches(_ row: ModelsRow) -> Bool {
        (healths.isEmpty || healths.contains(row.health)) && matchesLabelsAndName(row)
    }

    /// The rows in the view's order: by its column (values a row lacks last, either way), then by name.
    /// - Complexity: O(n log n).
    func sorted(_ rows: [ModelsRow]) -> [ModelsRow] {
        func order<T: Comparable>(_ a: T?, _ b: T?) -> Bool? {
            switch (a, b) {
            case let (a?, b?): a == b ? nil : (a < b) != descending
            case (nil, nil): nil
            case (nil, _): false
            case (_, nil): true
            }
        }
        if sort == .labels {  // the text made once per row, not once per comparison
            let texts = rows.map { $0.labelText }
            return rows.indices.sorted { a, b in
                (order(texts[a].isEmpty ? nil : texts[a], texts[b].isEmpty ? nil : texts[b])) ?? (rows[a].name < rows[b].name)
            }.map { rows[$0] }
        }
        return rows.sorted { a, b in
            let first: Bool? = switch sort {
            case .name: order(a.name, b.name)
            case .sync: order(Self.syncRank(a.sync), Self.syncRank(b.sync))
            case .health: order(a.health, b.health)
            case .version: order(a.version, b.version)
            case .metric: order(a.value, b.value)
            case .trend: order(a.trend, b.trend)
            case .reconciled: order(a.checkedAt, b.checkedAt)
            case .target: order(a.target, b.target)
            case .labels: nil  // above
            }
            return first ?? (a.name < b.name)
        }
    }

    /// Changes pending first, then models not in the manifests, unknown, and up to date.
    static func syncRank(_ sync: Sync) -> Int {
        switch sync {
        case .blocked: 0
        case .pending: 1
        case .orphan: 2
        case .unknown: 3
        case .synced: 4
        }
    }

    /// The page shown of `count` rows: the one asked for, or the last one when it asks past the end.
    func pageShown(of count: Int) -> Int { min(page, max(1, (count + Self.pageSize - 1) / Self.pageSize)) }
}
