extension DataFrame {
    /// This frame's rows followed by `other`'s.
    /// - Precondition: `other` has the same columns, by name, order and kind (numeric or text).
    public func appending(_ other: DataFrame) -> DataFrame {
        precondition(columnNames == other.columnNames, "appending a frame with other columns")
        var out = self
        for i in columns.indices {
            switch (columns[i].storage, other.columns[i].storage) {
            case (.numeric(let a), .numeric(let b)): out.columns[i].storage = .numeric(a + b)
            case (.string(let a), .string(let b)): out.columns[i].storage = .string(a + b)
            default: preconditionFailure("appending column \(columns[i].name) of another kind")
            }
        }
        out.rowCount = rowCount + other.rowCount
        return out
    }
}
