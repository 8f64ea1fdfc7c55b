import SluiceCore

/// Fixed bins of one feature, chosen once from the training data.
///
/// Because the bins never change after training, a histogram counted in one time bucket or on one replica
/// can be added to any other histogram on the same bins, and drift is always measured on the same grid.
///
/// Bin indices:
/// - numeric, with inner edges `e1 < … < ek`: bin 0 is (−∞, e1], bin i is (e_i, e_{i+1}], bin k is (ek, +∞),
///   and bin k + 1 is `missing` (NaN or absent);
/// - categorical, with categories `c0 … c(m−1)`: bin i is `ci`, bin m is `other`, bin m + 1 is `missing`.
public enum ReferenceBins: Equatable, Sendable {
    /// Numeric bins with the given ascending, distinct inner edges.
    case numeric(edges: [Double])
    /// Categorical bins for the given categories, most frequent first.
    case categorical(categories: [String])

    /// The default number of categories kept by ``categorical(fitting:top:)``.
    public static let defaultTopCategories = 20

    /// Numeric bins whose edges are the deciles of the training values.
    ///
    /// The edges are ``Quantile/deciles(_:)`` of the finite values (NaN and ±∞ are left out), with repeated
    /// edges removed, so a feature with few distinct values gets fewer bins.
    ///
    /// - Parameter values: the training values of the feature.
    /// - Returns: the bins; with no finite value, a single (−∞, +∞) bin plus `missing`.
    /// - Complexity: O(n log n).
    public static func numeric(fitting values: [Double]) -> ReferenceBins {
        let deciles = Quantile.deciles(values.filter { $0.isFinite })
        var edges: [Double] = []
        for e in deciles where edges.last != e { edges.append(e) }
        return .numeric(edges: edges)
    }

    /// Categorical bins for the `top` most frequent training categories.
    ///
    /// Categories are ranked by count, descending; equal counts are ordered by the category's UTF-8 bytes,
    /// ascending. Absent values (`nil`) are not categories.
    ///
    /// - Parameters:
    ///   - values: the training values of the feature.
    ///   - top: how many categories to keep (default 20); the rest fall into `other`.
    /// - Returns: the bins.
    /// - Complexity: O(n + d log d) for d distinct categories.
    public static func categorical(fitting values: [String?], top: Int = defaultTopCategories) -> ReferenceBins {
        var counts: [String: Int] = [:]
        for case let v? in values { counts[v, default: 0] += 1 }
        let ranked = counts.sorted { a, b in
            a.value != b.value ? a.value > b.value : Array(a.key.utf8).lexicographicallyPrecedes(Array(b.key.utf8))
        }
        return .categorical(categories: ranked.prefix(max(top, 0)).map(\.key))
    }

    /// The number of bins, `missing` (and `other`) included.
    public var count: Int {
        switch self {
        case .numeric(let edges): edges.count + 2
        case .categorical(let categories): categories.count + 2
        }
    }

    /// The index of the `missing` bin (always the last).
    public var missingIndex: Int { count - 1 }

    /// The bin of a number.
    ///
    /// On numeric bins, NaN and `nil` are `missing`. On categorical bins, a number is looked up by its JSON
    /// text (``JSON/format(_:)``, so 1.0 is "1"), and NaN or `nil` are `missing`.
    ///
    /// - Complexity: O(log k) on numeric bins.
    public func index(of value: Double?) -> Int {
        guard let value, !value.isNaN else { return missingIndex }
        switch self {
        case .numeric(let edges):
            // The first edge ≥ value (numpy's searchsorted, side "left").
            var lo = 0, hi = edges.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if edges[mid] < value { lo = mid + 1 } else { hi = mid }
            }
            return lo
        case .categorical:
            return index(of: JSON.format(value))
        }
    }

    /// The bin of a category.
    ///
    /// On categorical bins, an unknown category is `other` and `nil` is `missing`. On numeric bins, the text
    /// is read as a number (Swift's `Double(_:)`); text that is not a number, and `nil`, are `missing`.
    ///
    /// - Complexity: O(m) on categorical bins.
    public func index(of category: String?) -> Int {
        guard let category else { return missingIndex }
        switch self {
        case .numeric:
            return index(of: Double(category))
        case .categorical(let categories):
            return categories.firstIndex(of: category) ?? categories.count
        }
    }
}
