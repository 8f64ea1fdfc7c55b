/// One fitted tree in the record layout of ``PackedForest`` (links relative to its first record,
/// leaf offsets relative to its own values), plus the values of its inner nodes, which prediction
/// never reads but the artifact keeps. That is everything needed to give the ``Tree`` back
/// exactly, so a fitted forest is stored once, in this form: each tree is packed as soon as it is
/// grown and the builder's arrays are dropped.
struct PackedTree: Sendable {
    var nodes: [PackedForest.Node] = []
    var values: [Double] = []
    /// `outputs` values per inner node, in the tree's node order.
    var innerValues: [Double] = []

    /// Packs `tree`, or `nil` when it is not in the form ``TreeBuilder`` writes (see
    /// ``isCanonical(_:)``), the only form the packed records give back exactly.
    init?(_ tree: Tree, outputs: Int) {
        guard PackedTree.isCanonical(tree) else { return nil }
        PackedForest.pack(tree, outputs: outputs, into: &nodes, values: &values)
        for node in 0..<tree.nodeCount where tree.feature[node] >= 0 {
            innerValues.append(contentsOf: tree.value[(node * outputs)..<((node + 1) * outputs)])
        }
    }

    /// Whether the nodes are numbered in depth-first pre-order with the left child next, every
    /// node reached exactly once, and every leaf is `feature -1, threshold 0, left -1, right -1`.
    static func isCanonical(_ t: Tree) -> Bool {
        let n = t.nodeCount
        guard n > 0, t.threshold.count == n, t.left.count == n, t.right.count == n, t.value.count == n * t.outputs else { return false }
        var next = 0
        var stack = [0]
        while let i = stack.popLast() {
            guard i == next, i < n else { return false }
            next += 1
            if t.feature[i] < 0 {
                guard t.feature[i] == -1, t.threshold[i] == 0, t.left[i] == -1, t.right[i] == -1 else { return false }
            } else {
                guard t.left[i] == i + 1, t.right[i] > i + 1 else { return false }
                stack.append(t.right[i])
                stack.append(t.left[i])
            }
        }
        return next == n
    }
}

extension PackedForest {
    /// Appends one packed tree's records and leaf values, rebasing its links and offsets.
    static func append(_ t: PackedTree, to nodes: inout [Node], roots: inout [Int32], values: inout [Double]) {
        let nodeBase = Int32(nodes.count), valueBase = Int32(values.count)
        roots.append(nodeBase)
        for var node in t.nodes {
            if node.feature >= 0 {
                node.far += nodeBase
            } else if node.feature == Node.leaf {
                node.far += valueBase
            }
            nodes.append(node)
        }
        values.append(contentsOf: t.values)
    }

    /// Tree `t` as the builder wrote it, from its records and `inner`, its inner nodes' values in
    /// node order (the inverse of ``PackedTree/init(_:outputs:)``).
    func tree(_ t: Int, inner: ArraySlice<Double>) -> Tree {
        let end = t + 1 < roots.count ? Int(roots[t + 1]) : nodes.count
        let count = end - Int(roots[t])
        var feature = [Int](), threshold = [Double](), left = [Int](), right = [Int](), value = [Double]()
        feature.reserveCapacity(count)
        threshold.reserveCapacity(count)
        left.reserveCapacity(count)
        right.reserveCapacity(count)
        value.reserveCapacity(count * outputs)
        var nextInner = inner.startIndex
        // (record, parent's index, whether it is the parent's right child); left children first.
        var stack = [(slot: Int(roots[t]), parent: -1, isRight: false)]
        while let (slot, parent, isRight) = stack.popLast() {
            let index = feature.count
            if parent >= 0 {
                if isRight { right[parent] = index } else { left[parent] = index }
            }
            let node = nodes[slot]
            left.append(-1)
            right.append(-1)
            if node.feature >= 0 {
                feature.append(Int(node.feature & (Node.nearIsRight - 1)))
                threshold.append(node.threshold)
                value.append(contentsOf: inner[nextInner..<(nextInner + outputs)])
                nextInner += outputs
                let (near, far) = (slot + 1, Int(node.far))
                let nearIsRight = node.feature >= Node.nearIsRight
                stack.append((nearIsRight ? near : far, index, true))
                stack.append((nearIsRight ? far : near, index, false))
            } else {
                feature.append(-1)
                threshold.append(0)
                if node.feature == Node.singleLeaf {
                    let k = Int(node.far)
                    for j in 0..<outputs { value.append(j == k ? node.threshold : 0) }
                } else {
                    let v = Int(node.far)
                    value.append(contentsOf: values[v..<(v + outputs)])
                }
            }
        }
        return Tree(feature: feature, threshold: threshold, left: left, right: right, value: value, outputs: outputs)
    }
}
