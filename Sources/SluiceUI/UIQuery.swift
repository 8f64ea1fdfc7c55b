import Foundation

/// A page's URL query (`?sort=health&health=failed&label=team%3Drisk&page=2`): sort, filters and
/// page live in the URL, so that a view can be bookmarked, shared and reloaded.
public struct UIQuery: Sendable, Equatable {
    /// The pairs in order, decoded (`+` is a space, `%XX` a byte).
    public var items: [(name: String, value: String)]

    /// Creates a query from decoded pairs.
    public init(_ items: [(name: String, value: String)] = []) {
        self.items = items
    }

    /// Parses the query part of a URL (without the `?`). Pairs that do not decode are dropped.
    public init(parsing query: String) {
        items = query.split(separator: "&", omittingEmptySubsequences: true).compactMap { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String? { String(s).replacingOccurrences(of: "+", with: " ").removingPercentEncoding }
            guard let name = decode(parts[0]), !name.isEmpty else { return nil }
            return (name, parts.count > 1 ? decode(parts[1]) ?? "" : "")
        }
    }

    /// The first value of a name; `nil` when absent or empty.
    public subscript(_ name: String) -> String? {
        items.first { $0.name == name && !$0.value.isEmpty }?.value
    }

    /// Every non-empty value of a name, in order (repeated filters: `label=a&label=b`).
    public func all(_ name: String) -> [String] {
        items.filter { $0.name == name && !$0.value.isEmpty }.map(\.value)
    }

    /// The query with `name` set to `value` (every earlier value of it removed; `nil` removes it).
    public func setting(_ name: String, to value: String?) -> UIQuery {
        var q = UIQuery(items.filter { $0.name != name })
        if let value { q.items.append((name, value)) }
        return q
    }

    /// The query as URL text, with `?` when it is not empty: what a link to the same view with
    /// another sort or page carries.
    public var text: String {
        items.isEmpty ? "" : "?" + items.map { HTML.queryComponent($0.name) + "=" + HTML.queryComponent($0.value) }.joined(separator: "&")
    }

    public static func == (a: UIQuery, b: UIQuery) -> Bool {
        a.items.count == b.items.count && zip(a.items, b.items).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }
}
