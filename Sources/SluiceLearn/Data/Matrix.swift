/// A dense matrix of doubles stored column by column, the layout tree learners scan fastest.
public struct Matrix: Sendable, Equatable {
    public let rows: Int
    public let cols: Int
    /// `values[c * rows + r]` is row `r`, column `c`.
    public var values: [Double]

    public init(rows: Int, cols: Int, values: [Double]) {
        precondition(values.count == rows * cols, "matrix storage does not match its shape")
        self.rows = rows
        self.cols = cols
        self.values = values
    }

    public subscript(row: Int, col: Int) -> Double {
        values[col * rows + row]
    }

    /// Copies row `r` into `buffer` (which must hold `cols` values).
    @inlinable
    public func copyRow(_ r: Int, into buffer: inout [Double]) {
        for c in 0..<cols { buffer[c] = values[c * rows + r] }
    }

    /// The matrix restricted to `rowIndices`, in that order.
    public func selecting(rows rowIndices: [Int]) -> Matrix {
        var out = [Double]()
        out.reserveCapacity(rowIndices.count * cols)
        for c in 0..<cols {
            let base = c * rows
            for r in rowIndices { out.append(values[base + r]) }
        }
        return Matrix(rows: rowIndices.count, cols: cols, values: out)
    }
}
