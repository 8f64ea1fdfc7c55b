/// Fitted trees whose leaf values are averaged: class distributions (classification) or means
/// (regression, one output).
///
/// The trees are stored once, in the records prediction walks (``PackedForest``) plus the inner
/// nodes' values, and given back as ``Tree``s one at a time (``tree(at:)``) for the artifact and
/// exporters.
public struct TreeEnsembleModel: Sendable, Equatable {
    /// Classes (classification) or 1 (regression).
    public let outputs: Int
    @usableFromInline let packed: PackedForest
    /// Every tree's inner node values in node order, tree `t`'s from `innerStarts[t]`.
    let innerValues: [Double]
    let innerStarts: [Int]
    /// The trees as given, when one is not in the form the builder writes (an artifact written by
    /// other means), which the packed records alone do not give back exactly.
    let given: [Tree]?

    public init(trees: [Tree], outputs: Int) {
        let packedTrees = trees.compactMap { PackedTree($0, outputs: outputs) }
        if packedTrees.count == trees.count {
            var forest = PackedForestBuilder(outputs: outputs)
            for t in packedTrees { forest.append(t) }
            self = forest.model()
        } else {
            self.init(packed: PackedForest(trees, outputs: outputs), innerValues: [], innerStarts: [], given: trees)
        }
    }

    init(packed: PackedForest, innerValues: [Double], innerStarts: [Int], given: [Tree]?) {
        self.outputs = packed.outputs
        self.packed = packed
        self.innerValues = innerValues
        self.innerStarts = innerStarts
        self.given = given
    }

    /// Number of trees.
    public var treeCount: Int { packed.roots.count }

    /// Tree `t`, built afresh from the packed records unless the trees were kept as given.
    /// - Complexity: O(nodes of the tree).
    public func tree(at t: Int) -> Tree {
        if let given { return given[t] }
        let end = t + 1 < innerStarts.count ? innerStarts[t + 1] : innerValues.count
        return packed.tree(t, inner: innerValues[innerStarts[t]..<end])
    }

    /// Every tree; see ``tree(at:)`` to take them one at a time.
    public var trees: [Tree] { given ?? (0..<treeCount).map(tree(at:)) }

    public static func == (a: TreeEnsembleModel, b: TreeEnsembleModel) -> Bool {
        guard a.outputs == b.outputs, a.treeCount == b.treeCount else { return false }
        if a.given == nil && b.given == nil {
            return a.packed.roots == b.packed.roots && a.packed.nodes == b.packed.nodes && a.packed.values == b.packed.values
                && a.innerStarts == b.innerStarts && a.innerValues == b.innerValues
        }
        return (0..<a.treeCount).allSatisfy { a.tree(at: $0) == b.tree(at: $0) }
    }

    /// The first tree with a threshold or a value that is not finite, and whether it is a threshold.
    func firstNonFinite() -> (tree: Int, threshold: Bool)? {
        if let given {
            for (i, t) in given.enumerated() {
                if !t.threshold.allSatisfy(\.isFinite) { return (i, true) }
                if !t.value.allSatisfy(\.isFinite) { return (i, false) }
            }
            return nil
        }
        for t in 0..<treeCount {
            let start = Int(packed.roots[t]), end = t + 1 < treeCount ? Int(packed.roots[t + 1]) : packed.nodes.count
            var valueFinite = true
            for node in packed.nodes[start..<end] {
                if node.feature >= 0 {
                    if !node.threshold.isFinite { return (t, true) }
                } else if node.feature == PackedForest.Node.singleLeaf {
                    valueFinite = valueFinite && node.threshold.isFinite
                } else {
                    let v = Int(node.far)
                    valueFinite = valueFinite && packed.values[v..<(v + outputs)].allSatisfy(\.isFinite)
                }
            }
            let innerEnd = t + 1 < treeCount ? innerStarts[t + 1] : innerValues.count
            if !valueFinite || !innerValues[innerStarts[t]..<innerEnd].allSatisfy(\.isFinite) { return (t, false) }
        }
        return nil
    }

    /// Writes the averaged leaf values for one encoded row into `out` (which must hold `outputs` values).
    /// - Complexity: O(trees · depth).
    @inlinable
    public func predict(_ row: UnsafeBufferPointer<Double>, into out: UnsafeMutableBufferPointer<Double>) {
        for k in 0..<outputs { out[k] = 0 }
        packed.accumulate(row, into: out)
        let count = Double(packed.roots.count)
        for k in 0..<outputs { out[k] /= count }
    }
}

/// Joins packed trees, in order, into a ``TreeEnsembleModel`` as they come, so a forest being
/// grown holds each tree once.
struct PackedForestBuilder {
    let outputs: Int
    private var nodes: [PackedForest.Node] = []
    private var roots: [Int32] = []
    private var values: [Double] = []
    private var innerValues: [Double] = []
    private var innerStarts: [Int] = []

    init(outputs: Int) { self.outputs = outputs }

    mutating func append(_ t: PackedTree) {
        innerStarts.append(innerValues.count)
        innerValues.append(contentsOf: t.innerValues)
        PackedForest.append(t, to: &nodes, roots: &roots, values: &values)
    }

    func model() -> TreeEnsembleModel {
        TreeEnsembleModel(packed: PackedForest(nodes: nodes, roots: roots, values: values, outputs: outputs),
                          innerValues: innerValues, innerStarts: innerStarts, given: nil)
    }
}
