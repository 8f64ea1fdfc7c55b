extension BoostedModel {
    /// Values a prediction holds: the class probabilities (two for the sigmoid link) or the
    /// regression value.
    public var predictionWidth: Int { link == .sigmoid ? 2 : outputs }

    /// Writes the predictions of rows `rows` of `x` into `out`, row-major: row `r`'s
    /// ``predictionWidth`` values at `(r - rows.lowerBound) * predictionWidth`. The values of
    /// ``predict(_:into:)`` for each row, the leaf values summed in tree order (the per-row path
    /// sums them in the order its sixteen walks end: the two agree to rounding).
    ///
    /// Rows go through the trees in blocks: a block is copied row-major, then every tree is
    /// walked by all the block's rows before the next tree, eight rows in lockstep, so a tree's
    /// nodes are read from memory once per block instead of once per row (a thousand-tree model
    /// is larger than the core's cache), and the eight walks are independent chains of loads
    /// that overlap. A row that reaches its leaf stays there until the eight are done.
    /// - Precondition: `out` holds at least `rows.count * predictionWidth` values.
    /// - Complexity: O(rows × trees × depth).
    public func predict(batch x: Matrix, rows: Range<Int>, into out: UnsafeMutableBufferPointer<Double>) {
        let width = predictionWidth, k = outputs, cols = x.cols
        precondition(out.count >= rows.count * width && rows.lowerBound >= 0 && rows.upperBound <= x.rows)
        let block = BoostedModel.blockRows
        var buffer = [Double](repeating: 0, count: block * max(cols, 1))
        var raw = [Double](repeating: 0, count: block * k)
        x.values.withUnsafeBufferPointer { values in
            buffer.withUnsafeMutableBufferPointer { buffer in
                raw.withUnsafeMutableBufferPointer { raw in
                    var start = rows.lowerBound
                    while start < rows.upperBound {
                        let m = min(block, rows.upperBound - start)
                        for c in 0..<cols {
                            let column = values.baseAddress! + c * x.rows + start
                            for j in 0..<m { buffer[j * cols + c] = column[j] }
                        }
                        for j in 0..<m { for o in 0..<k { raw[j * k + o] = baseline[o] } }
                        walk(UnsafeBufferPointer(buffer), rows: m, cols: cols, into: raw)
                        for j in 0..<m {
                            let dst = UnsafeMutableBufferPointer(rebasing: out[((start - rows.lowerBound + j) * width)...])
                            for o in 0..<k { dst[o] = raw[j * k + o] }
                            BoostedModel.link(link, k, dst)
                        }
                        start += m
                    }
                }
            }
        }
    }

    /// Rows per block of ``predict(batch:rows:into:)``: 256 rows of 64 features are 128 KiB.
    static let blockRows = 256

    /// Adds every tree's leaf value for each of `m` row-major rows into its raw scores (tree `t`
    /// into score `t % outputs`), tree by tree, eight rows at a time.
    private func walk(_ block: UnsafeBufferPointer<Double>, rows m: Int, cols: Int, into raw: UnsafeMutableBufferPointer<Double>) {
        typealias Node = PackedForest.Node
        let k = outputs
        let mask = Node.nearIsRight - 1
        packed.nodes.withUnsafeBufferPointer { nodes in
            packed.roots.withUnsafeBufferPointer { roots in
                withUnsafeTemporaryAllocation(of: Int.self, capacity: 8) { at in
                    withUnsafeTemporaryAllocation(of: Int.self, capacity: 8) { rowOf in
                        for (t, root) in roots.enumerated() {
                            let o = t % k
                            var first = 0
                            while first < m {
                                let lanes = min(8, m - first)
                                // Missing lanes repeat the last row; their values are dropped.
                                for j in 0..<8 {
                                    at[j] = Int(root)
                                    rowOf[j] = (first + min(j, lanes - 1)) * cols
                                }
                                while true {
                                    var moving = false
                                    for j in 0..<8 {
                                        let node = nodes[at[j]]
                                        let inner = node.feature >= 0
                                        let feature = inner ? Int(node.feature & mask) : 0
                                        let goesLeft = block[rowOf[j] + feature] <= node.threshold
                                        let toNear = goesLeft != (node.feature >= Node.nearIsRight)
                                        let next = toNear ? at[j] + 1 : Int(node.far)
                                        at[j] = inner ? next : at[j]
                                        moving = moving || inner
                                    }
                                    if !moving { break }
                                }
                                for j in 0..<lanes { raw[(first + j) * k + o] += nodes[at[j]].threshold }
                                first += lanes
                            }
                        }
                    }
                }
            }
        }
    }
}
