/// Trees laid out for prediction: every node of every tree in one array of 16-byte records in
/// depth-first pre-order (a node's left child is the next record), so a step down a tree touches
/// one cache line, and trees are walked eight at a time in lockstep so that their memory loads
/// overlap instead of waiting on each other. Built once when a model is created or loaded.
public struct PackedForest: Sendable {
    @usableFromInline
    struct Node: Sendable {
        @usableFromInline var threshold: Double
        /// The feature tested, or -1 for a leaf.
        @usableFromInline var feature: Int32
        /// The right child's index; for a leaf, the offset of its values.
        @usableFromInline var right: Int32
    }

    @usableFromInline let nodes: [Node]
    @usableFromInline let roots: [Int32]
    @usableFromInline let values: [Double]
    @usableFromInline let outputs: Int

    public init(_ trees: [Tree], outputs: Int) {
        var nodes: [Node] = []
        var roots: [Int32] = []
        var values: [Double] = []
        for tree in trees {
            roots.append(Int32(nodes.count))
            // Pre-order: write a node, then its left subtree, then its right subtree.
            var stack = [(node: 0, parentSlot: -1)]
            while let (node, parentSlot) = stack.popLast() {
                let slot = nodes.count
                if parentSlot >= 0 { nodes[parentSlot].right = Int32(slot) }
                if tree.feature[node] < 0 {
                    nodes.append(Node(threshold: 0, feature: -1, right: Int32(values.count)))
                    values.append(contentsOf: tree.value[(node * outputs)..<((node + 1) * outputs)])
                } else {
                    nodes.append(Node(threshold: tree.threshold[node], feature: Int32(tree.feature[node]), right: -1))
                    stack.append((tree.right[node], slot))
                    stack.append((tree.left[node], -1))
                }
            }
        }
        self.nodes = nodes
        self.roots = roots
        self.values = values
        self.outputs = outputs
    }

    /// Adds every tree's leaf values for `row` into `out` (`outputs` values per tree), or, with
    /// `cycling`, tree `t`'s single value into `out[t % count]`.
    ///
    /// Sixteen lanes each walk a tree; a lane that reaches a leaf adds its values and takes the
    /// next tree, so the loads of sixteen walks are in flight together.
    @inlinable
    public func accumulate(_ row: UnsafeBufferPointer<Double>, into out: UnsafeMutableBufferPointer<Double>, cycling count: Int? = nil) {
        nodes.withUnsafeBufferPointer { nodes in
            values.withUnsafeBufferPointer { values in
                roots.withUnsafeBufferPointer { roots in
                    var lanes = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
                    var owners = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
                    withUnsafeMutableBytes(of: &lanes) { rawLanes in
                        withUnsafeMutableBytes(of: &owners) { rawOwners in
                            let at = rawLanes.bindMemory(to: Int.self)
                            let tree = rawOwners.bindMemory(to: Int.self)
                            var width = min(16, roots.count)
                            for j in 0..<width { at[j] = Int(roots[j]); tree[j] = j }
                            var next = width
                            while width > 0 {
                                var j = 0
                                while j < width {
                                    let node = nodes[at[j]]
                                    if node.feature >= 0 {
                                        at[j] = row[Int(node.feature)] <= node.threshold ? at[j] + 1 : Int(node.right)
                                        j += 1
                                        continue
                                    }
                                    let v = Int(node.right)
                                    if let count {
                                        out[tree[j] % count] += values[v]
                                    } else {
                                        for k in 0..<outputs { out[k] += values[v + k] }
                                    }
                                    if next < roots.count {
                                        at[j] = Int(roots[next])
                                        tree[j] = next
                                        next += 1
                                        j += 1
                                    } else {
                                        width -= 1
                                        at[j] = at[width]
                                        tree[j] = tree[width]
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
