import CPrefetch

/// Trees laid out for prediction: every node of every tree in one array of 16-byte records in
/// depth-first pre-order, the larger subtree first (so the next record is the child a row most
/// likely goes to, usually in the same cache line), and trees walked sixteen at a time in
/// lockstep, each lane prefetching its next node as soon as it is known, so that their memory
/// loads overlap instead of waiting on each other. A leaf with a single value to add
/// (regression, boosting, and the pure leaves of fully grown classification trees) holds it in
/// the node itself. Built once when a model is created or loaded.
public struct PackedForest: Sendable {
    @usableFromInline
    struct Node: Sendable, Equatable {
        /// The split threshold; for a single-value leaf, the value.
        @usableFromInline var threshold: Double
        /// The feature tested, plus ``Node/nearIsRight`` when the next record is the right child;
        /// ``Node/leaf`` for a leaf whose values are in `values`; ``Node/singleLeaf`` for a leaf
        /// adding `threshold` to one output.
        @usableFromInline var feature: Int32
        /// For an inner node, the index of the child that is not the next record; for a leaf,
        /// the offset of its values, or the output a single-value leaf adds to.
        @usableFromInline var far: Int32

        @usableFromInline static let leaf: Int32 = -1
        @usableFromInline static let singleLeaf: Int32 = -2
        @usableFromInline static let nearIsRight: Int32 = 1 << 30
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
            PackedForest.pack(tree, outputs: outputs, into: &nodes, values: &values)
        }
        self.init(nodes: nodes, roots: roots, values: values, outputs: outputs)
    }

    init(nodes: [Node], roots: [Int32], values: [Double], outputs: Int) {
        self.nodes = nodes
        self.roots = roots
        self.values = values
        self.outputs = outputs
    }

    /// Appends one tree's records to `nodes` (links are indices into `nodes`, leaf offsets into `values`).
    static func pack(_ tree: Tree, outputs: Int, into nodes: inout [Node], values: inout [Double]) {
        // Subtree sizes, to put the larger child next.
        var size = [Int](repeating: 1, count: tree.nodeCount)
        for node in stride(from: tree.nodeCount - 1, through: 0, by: -1) where tree.feature[node] >= 0 {
            size[node] = 1 + size[tree.left[node]] + size[tree.right[node]]
        }
        // Pre-order: write a node, then its near (larger) subtree, then its far one.
        var stack = [(node: 0, parentSlot: -1)]
        while let (node, parentSlot) = stack.popLast() {
            let slot = nodes.count
            if parentSlot >= 0 { nodes[parentSlot].far = Int32(slot) }
            if tree.feature[node] < 0 {
                let leafValues = tree.value[(node * outputs)..<((node + 1) * outputs)]
                let nonZero = leafValues.indices.filter { leafValues[$0] != 0 }
                if outputs == 1 || (nonZero.count == 1 && leafValues[nonZero[0]] == 1) {
                    let k = outputs == 1 ? 0 : nonZero[0] - leafValues.startIndex
                    nodes.append(Node(threshold: leafValues[leafValues.startIndex + k], feature: Node.singleLeaf, far: Int32(k)))
                } else {
                    nodes.append(Node(threshold: 0, feature: Node.leaf, far: Int32(values.count)))
                    values.append(contentsOf: leafValues)
                }
            } else {
                let (left, right) = (tree.left[node], tree.right[node])
                let rightIsNear = size[right] > size[left]
                nodes.append(Node(threshold: tree.threshold[node],
                                  feature: Int32(tree.feature[node]) | (rightIsNear ? Node.nearIsRight : 0), far: -1))
                stack.append((rightIsNear ? left : right, slot))
                stack.append((rightIsNear ? right : left, -1))
            }
        }
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
                                        let feature = Int(node.feature & (Node.nearIsRight - 1))
                                        let goesLeft = row[feature] <= node.threshold
                                        let toNear = goesLeft != (node.feature >= Node.nearIsRight)
                                        at[j] = toNear ? at[j] + 1 : Int(node.far)
                                        // This lane's next load comes after the other lanes' steps: start it now.
                                        sluice_prefetch(nodes.baseAddress! + at[j])
                                        j += 1
                                        continue
                                    }
                                    if node.feature == Node.singleLeaf {
                                        out[count.map { tree[j] % $0 } ?? Int(node.far)] += node.threshold
                                    } else {
                                        let v = Int(node.far)
                                        if let count {
                                            out[tree[j] % count] += values[v]
                                        } else {
                                            for k in 0..<outputs { out[k] += values[v + k] }
                                        }
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
