extension BoostedModel {
    /// Values a prediction holds: the class probabilities (two for the sigmoid link) or the
    /// regression value.
    public var predictionWidth: Int { link == .sigmoid ? 2 : outputs }

    /// Writes the predictions of rows `rows` of `x` into `out`, row-major: row `r`'s
    /// ``predictionWidth`` values at `(r - rows.lowerBound) * predictionWidth`, exactly those of
    /// ``predict(_:into:)`` for each row, without allocating per row. A caller splits a batch into
    /// ranges to predict them on several cores.
    ///
    /// Each row goes through the per-row kernel (sixteen trees walked at once). A kernel walking
    /// blocks of rows through one tree at a time was measured slower on digits (a thousand trees
    /// of 31 leaves: the trees stay in cache either way, and its bookkeeping per step cost more).
    /// - Precondition: `out` holds at least `rows.count * predictionWidth` values.
    /// - Complexity: O(rows × trees × depth).
    public func predict(batch x: Matrix, rows: Range<Int>, into out: UnsafeMutableBufferPointer<Double>) {
        let width = predictionWidth, cols = x.cols
        precondition(out.count >= rows.count * width && rows.lowerBound >= 0 && rows.upperBound <= x.rows)
        var row = [Double](repeating: 0, count: cols)
        x.values.withUnsafeBufferPointer { values in
            row.withUnsafeMutableBufferPointer { row in
                for r in rows {
                    for c in 0..<cols { row[c] = values[c * x.rows + r] }
                    let dst = UnsafeMutableBufferPointer(rebasing: out[((r - rows.lowerBound) * width)..<((r - rows.lowerBound + 1) * width)])
                    predict(UnsafeBufferPointer(row), into: dst)
                }
            }
        }
    }
}
