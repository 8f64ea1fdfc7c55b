import SluiceCore

extension Trainer {
    /// The classes of a target column (sorted: as numbers for a numeric column, by UTF-8 bytes
    /// for text) and every row's class index: ``labelsText(_:)`` of each row looked up among the
    /// sorted distinct labels. A numeric column formats each distinct value once, not every row.
    /// - Complexity: O(rows) hash lookups, plus O(distinct · log distinct).
    static func classIndices(_ column: DataFrame.Column) -> (classes: [String], y: [Int]) {
        guard case .numeric(let values) = column.storage else {
            let text = labelsText(column)
            let classes = Array(Set(text)).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            let index = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
            return (classes, text.map { index[$0]! })
        }
        // Distinct bit patterns first; values that print alike (0 and -0) share a label.
        var slots: [UInt64: Int] = [:]
        var patterns: [Double] = []
        let slotOfRow = values.map { v in
            let key = v.bitPattern
            if let s = slots[key] { return s }
            slots[key] = patterns.count
            patterns.append(v)
            return patterns.count - 1
        }
        let labels = patterns.map(JSON.format)
        let classes = Array(Set(labels)).sorted { Double($0)! < Double($1)! }
        let index = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
        let classOfSlot = labels.map { index[$0]! }
        return (classes, slotOfRow.map { classOfSlot[$0] })
    }
}
