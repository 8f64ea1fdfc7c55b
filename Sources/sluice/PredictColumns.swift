import SluiceCore
import SluiceManifest

/// Checks the columns of prediction input against a model's features (pure): a renamed or
/// unknown column must not silently become "every feature missing, imputed".
struct PredictColumns {
    /// Input columns the model has no feature for, in first-seen order.
    var unknown: [String]
    /// Features absent from at least one row, with the number of rows lacking each.
    var missing: [(feature: String, rows: Int)]
    /// Rows checked.
    var rows: Int

    /// Compares the keys of every row with the model's feature names. A column that is present
    /// with an empty or null cell is an ordinary missing value, not a missing column.
    /// - Complexity: O(rows × columns).
    static func check(rows: [[String: JSON]], features: [String]) -> PredictColumns {
        let known = Set(features)
        var unknown: [String] = []
        var seenUnknown = Set<String>()
        var lacking = [String: Int]()
        for row in rows {
            for key in row.keys.sorted() where !known.contains(key) && seenUnknown.insert(key).inserted { unknown.append(key) }
            for f in features where row[f] == nil { lacking[f, default: 0] += 1 }
        }
        return PredictColumns(unknown: unknown, missing: features.compactMap { f in lacking[f].map { (f, $0) } }, rows: rows.count)
    }

    var isClean: Bool { unknown.isEmpty && missing.isEmpty }

    /// What is wrong, naming each column, with "did you mean" for an unknown column close to a
    /// missing feature.
    func problems(features: [String]) -> [String] {
        let missingNames = missing.map(\.feature)
        var out = unknown.map { column -> String in
            let hint = Suggestion.closest(to: column, in: missingNames.isEmpty ? features : missingNames).map { " (did you mean \"\($0)\"?)" } ?? ""
            return "unknown column \"\(column)\"\(hint)"
        }
        out += missing.map { m in
            "missing feature \"\(m.feature)\"" + (m.rows == rows ? "" : " in \(m.rows) of \(rows) row(s)")
        }
        return out
    }

    /// The `--allow-missing` warning: counts, and the columns concerned.
    var warning: String {
        var parts: [String] = []
        if !unknown.isEmpty { parts.append("\(unknown.count) unknown column(s) ignored (\(unknown.joined(separator: ", ")))") }
        if !missing.isEmpty {
            let cells = missing.reduce(0) { $0 + $1.rows }
            parts.append("\(missing.count) feature(s) missing, \(cells) value(s) imputed in \(rows) row(s) (\(missing.map(\.feature).joined(separator: ", ")))")
        }
        return parts.joined(separator: "; ")
    }
}
