/// A fitted binary decision tree in flat arrays, as stored in the artifact.
///
/// Node 0 is the root. An inner node sends a row left when `row[feature] <= threshold`.
/// A leaf has `feature == -1`; its class distribution is `value[node * outputs ..< (node + 1) * outputs]`.
public struct Tree: Sendable, Equatable {
    public var feature: [Int]
    public var threshold: [Double]
    public var left: [Int]
    public var right: [Int]
    public var value: [Double]
    public var outputs: Int

    public var nodeCount: Int { feature.count }

    /// Index of the leaf a row falls into.
    /// - Complexity: O(depth).
    @inlinable
    public func leaf(for row: UnsafeBufferPointer<Double>) -> Int {
        var node = 0
        while feature[node] >= 0 {
            node = row[feature[node]] <= threshold[node] ? left[node] : right[node]
        }
        return node
    }
}
