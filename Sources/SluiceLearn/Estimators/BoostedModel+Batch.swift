extension BoostedModel {
    /// Writes the predictions of `count` encoded rows, held row-major at `rows` (`cols` values
    /// each), at `out + i × width` (`width` ≥ the model's outputs, 2 for the sigmoid link).
    ///
    /// Tree by tree over the whole block, one level at a time: every row takes one step down the
    /// tree (a tree's few hundred bytes stay in the first-level cache), as many steps as the tree
    /// is deep, with no branch per node (a row at a leaf stays there), so the rows' steps overlap.
    /// Each row's raw score is the baseline plus tree 0's leaf value, then tree 1's, and so on: the
    /// order of training, and the same Doubles for a row whether it is predicted alone or in any
    /// block.
    func predict(rows: UnsafePointer<Double>, count: Int, cols: Int, into out: UnsafeMutablePointer<Double>, width: Int) {
        let k = outputs
        for i in 0..<count {
            for j in 0..<k { out[i * width + j] = baseline[j] }
        }
        withUnsafeTemporaryAllocation(of: Int.self, capacity: count) { at in
            packed.nodes.withUnsafeBufferPointer { nodes in
                packed.roots.withUnsafeBufferPointer { roots in
                    depths.withUnsafeBufferPointer { depths in
                        let nodes = nodes.baseAddress!, at = at.baseAddress!
                        for t in 0..<roots.count {
                            let root = Int(roots[t])
                            for i in 0..<count { at[i] = root }
                            for _ in 0..<depths[t] {
                                var row = rows
                                for i in 0..<count {
                                    at[i] = Self.step(nodes, at[i], row)
                                    row += cols
                                }
                            }
                            let score = out + t % k
                            for i in 0..<count { score[i * width] += nodes[at[i]].threshold }
                        }
                    }
                }
            }
        }
        for i in 0..<count {
            BoostedModel.link(link, k, UnsafeMutableBufferPointer(start: out + i * width, count: width))
        }
    }

    /// The number of inner nodes on the longest path from the root of `tree` to a leaf.
    static func depth(_ tree: Tree) -> Int {
        var deepest = 0
        var stack = [(0, 0)]
        while let (node, depth) = stack.popLast() {
            if tree.feature[node] < 0 {
                deepest = max(deepest, depth)
            } else {
                stack.append((tree.left[node], depth + 1))
                stack.append((tree.right[node], depth + 1))
            }
        }
        return deepest
    }

    /// One step of a walk: the child `row` goes to from node `at`; a leaf (which holds its value
    /// in `threshold`: the trees are packed one output each) goes to itself. Branch-free: the
    /// side a row goes is data (a mask), not a jump mispredicted half the time.
    @inline(__always)
    private static func step(_ nodes: UnsafePointer<PackedForest.Node>, _ at: Int, _ row: UnsafePointer<Double>) -> Int {
        let node = nodes[at]
        // All ones for a leaf (a negative `feature`), zero for an inner node.
        let leaf = Int(node.feature >> 31)
        let feature = Int(node.feature & (PackedForest.Node.nearIsRight - 1)) & ~leaf
        let goesLeft = row[feature] <= node.threshold ? 1 : 0
        let toNear = goesLeft ^ Int((node.feature >> 30) & 1)
        let far = Int(node.far)
        let next = far ^ ((far ^ (at &+ 1)) & (0 &- toNear))
        return next ^ ((next ^ at) & leaf)
    }
}
