/// The predictions for a batch of rows, in one flat row-major buffer: for each row, its
/// ``outputs`` values (class probabilities in ``TargetEncoding/classes`` order, or one regression
/// value). Written by ``ModelArtifact/predictions(_:)-(Matrix)``.
public struct Predictions: Sendable, Equatable {
    /// Number of rows.
    public let rows: Int
    /// Values per row.
    public let outputs: Int
    /// `values[r * outputs + k]` is output `k` of row `r`.
    public var values: [Double]

    /// Predictions over `values` (`rows × outputs` of them, row-major).
    public init(rows: Int, outputs: Int, values: [Double]) {
        precondition(values.count == rows * outputs, "predictions storage does not match their shape")
        self.rows = rows
        self.outputs = outputs
        self.values = values
    }

    /// The outputs of row `r`.
    public subscript(row: Int) -> ArraySlice<Double> {
        values[(row * outputs)..<((row + 1) * outputs)]
    }

    /// The most probable class of every row (the first one on ties, as numpy's argmax), for a
    /// classifier's predictions.
    /// - Complexity: O(rows × outputs).
    public var labels: [Int] {
        values.withUnsafeBufferPointer { v in
            (0..<rows).map { r in
                let row = v.baseAddress! + r * outputs
                var best = 0
                for k in 1..<max(outputs, 1) where row[k] > row[best] { best = k }
                return best
            }
        }
    }

    /// One array per row, as ``ModelArtifact/predict(_:)`` returns them.
    public var nested: [[Double]] {
        (0..<rows).map { Array(self[$0]) }
    }
}
