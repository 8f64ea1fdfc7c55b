import SluiceManifest
import SluiceReconcile

/// `/ui/plan`'s filters, read from its URL (`?changes=1&action=publish&label=team%3Dvision&q=iri`):
/// which of the plan's models the page lists. Every filter given must hold.
public struct PlanFilter: Sendable, Equatable {
    /// Only models the plan changes (`changes=1`).
    public var changesOnly = false
    /// Only models with an action of one of these kinds (`action=train`, repeatable); empty for any.
    public var actions: Set<ActionKind> = []
    /// Only models whose manifest has every one of these labels (`label=k=v`, or `label=k` for any value; repeatable).
    public var labels: [(key: String, value: String?)] = []
    /// Only models whose name contains this, ignoring case (`q=`).
    public var name: String?
    /// What in the URL was not understood, said so that the reader can fix it.
    public var problems: [String] = []

    /// The filters of a page's query.
    public init(_ query: UIQuery) {
        changesOnly = ["1", "true", "on"].contains(query["changes"] ?? "")
        for word in query.all("action") {
            if let kind = ActionKind(rawValue: word) { actions.insert(kind) } else {
                problems.append("action=\(word) is not an action; use one of \(ActionKind.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
        }
        for label in query.all("label") {
            let parts = label.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            labels.append((String(parts[0]), parts.count > 1 ? String(parts[1]) : nil))
        }
        name = query["q"]
    }

    /// Whether a model's plan item, with its manifest (none for a model whose manifest is gone), is listed.
    public func admits(_ item: PlanItem, manifest: Manifest?) -> Bool {
        if changesOnly && item.actions.isEmpty { return false }
        if !actions.isEmpty && !item.actions.contains(where: { actions.contains($0.kind) }) { return false }
        for (key, value) in labels {
            guard let have = manifest?.labels[key], value == nil || have == value else { return false }
        }
        if let name, !item.model.lowercased().contains(name.lowercased()) { return false }
        return true
    }

    /// Whether any filter is set.
    public var isActive: Bool { changesOnly || !actions.isEmpty || !labels.isEmpty || name != nil }

    public static func == (a: PlanFilter, b: PlanFilter) -> Bool {
        a.changesOnly == b.changesOnly && a.actions == b.actions && a.name == b.name && a.problems == b.problems
            && a.labels.map(\.key) == b.labels.map(\.key) && a.labels.map(\.value) == b.labels.map(\.value)
    }
}
