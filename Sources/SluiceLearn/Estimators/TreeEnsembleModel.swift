/// Fitted trees whose leaf values are averaged: class distributions (classification) or means
/// (regression, one output).
public struct TreeEnsembleModel: Sendable, Equatable {
    public let trees: [Tree]
    /// Classes (classification) or 1 (regression).
    public let outputs: Int
    @usableFromInline let packed: PackedForest

    public init(trees: [Tree], outputs: Int) {
        self.trees = trees
        self.outputs = outputs
        packed = PackedForest(trees, outputs: outputs)
    }

    public static func == (a: TreeEnsembleModel, b: TreeEnsembleModel) -> Bool { a.trees == b.trees && a.outputs == b.outputs }

    /// Writes the averaged leaf values for one encoded row into `out` (which must hold `outputs` values).
    /// - Complexity: O(trees · depth).
    @inlinable
    public func predict(_ row: UnsafeBufferPointer<Double>, into out: UnsafeMutableBufferPointer<Double>) {
        for k in 0..<outputs { out[k] = 0 }
        packed.accumulate(row, into: out)
        let count = Double(trees.count)
        for k in 0..<outputs { out[k] /= count }
    }
}
