import CPrefetch
import Dispatch

/// Grows one gradient-boosting tree leaf-wise on binned features (see ``GradientBoostingEstimator``).
///
/// A histogram holds four values per bin (gradient, hessian, count, padding) for the bins of every
/// feature back to back: feature `f`'s bins start at `offsets[f]`, so a histogram is as large as
/// the features' bins (on digits, 64 features of at most 17 values: 4 % of 64 × 256 bins), and
/// zeroing, subtracting and merging one costs that much. Copies of a grower share the bin codes
/// and grow trees independently (on different threads for the classes of a softmax iteration).
struct LeafWiseGrower {
    let binned: BinnedMatrix
    let settings: GradientBoostingEstimator
    let features: Int
    let rows: Int
    /// Row-major bin codes: `rowCodes[r * features + f]`, so one pass over a node's rows fills
    /// every feature's histogram.
    let rowCodes: [UInt8]
    /// The first bin of each feature in a histogram, and (last) the number of bins.
    let offsets: [Int]
    /// Doubles in a histogram: four per bin.
    let histogramSize: Int
    /// Whether a pass over a big segment runs its two halves on two threads (otherwise one after
    /// the other, with the same sums: the halves are summed apart either way).
    var parallelPasses = true
    /// Whether a pass over a segment with fewer (row, feature) pairs than bins touches only its
    /// rows' bins (otherwise the whole histogram, with the same sums).
    var sparsePasses = true
    /// Whether a leaf whose histogram a sparse pass filled (or that was subtracted from such a
    /// histogram) is scanned for its split only at the bins its rows touched, which a bitmap
    /// lists, instead of all bins zeroed first (the same split: a bin that is zero in every lane
    /// leaves the scan's sums, and so its gain, as at the bin before it, and the strict `>`
    /// keeps the first).
    var sparseScans = true
    /// Row indices, partitioned so that each leaf owns a contiguous segment.
    private var order: [Int32]
    private var scratch: [Int32]
    private var pool: [[Double]] = []
    /// The single-precision histograms of a pass (one per half), reused from pass to pass. All
    /// zero between passes: each pass writes zero back into every bin it reads out, so no pass
    /// needs to clear it first.
    private var partial: [Float] = []

    init(binned: BinnedMatrix, settings: GradientBoostingEstimator) {
        self.binned = binned
        self.settings = settings
        features = binned.cols
        rows = binned.rows
        var codes = [UInt8](repeating: 0, count: binned.rows * binned.cols)
        let (n, f) = (binned.rows, binned.cols)
        binned.codes.withUnsafeBufferPointer { src in
            codes.withUnsafeMutableBufferPointer { dst in
                for c in 0..<f {
                    let base = c * n
                    for r in 0..<n { dst[r * f + c] = src[base + r] }
                }
            }
        }
        rowCodes = codes
        var offsets = [0]
        for c in 0..<f { offsets.append(offsets[c] + binned.binCount(c)) }
        self.offsets = offsets
        histogramSize = offsets[f] * 4
        order = (0..<Int32(binned.rows)).map { $0 }
        scratch = order
    }

    private struct Leaf {
        var start: Int
        var count: Int
        var depth: Int
        var node: Int
        var g: Double
        var h: Double
        var hist: [Double]
        /// The bins `hist` holds (one bit each); the others are zero whatever memory holds. Nil:
        /// all bins.
        var touched: [UInt64]?
        var split: Split?
    }

    private struct Split {
        var feature: Int
        var bin: Int
        var gain: Double
    }

    /// Grows a tree for these gradients and hessians.
    /// - Returns: the tree (leaf values scaled by the learning rate) and each row's leaf node.
    mutating func grow(gradient: [Double], hessian: [Double]) -> (Tree, [Int]) {
        for i in 0..<rows { order[i] = Int32(i) }
        var tree = Tree(feature: [-1], threshold: [0], left: [-1], right: [-1], value: [0], outputs: 1)
        var rootHist = take()
        let rootTouched = fill(&rootHist, 0, rows, gradient, hessian, sibling: nil)
        let (g, h) = sums(rootHist, rootTouched)
        var leaves = [Leaf(start: 0, count: rows, depth: 0, node: 0, g: g, h: h, hist: rootHist, touched: rootTouched, split: nil)]
        leaves[0].split = bestSplit(leaves[0])
        while leaves.count < settings.maxLeafNodes {
            var pick = -1
            for (i, leaf) in leaves.enumerated() {
                guard let s = leaf.split else { continue }
                if pick < 0 || s.gain > leaves[pick].split!.gain { pick = i }
            }
            guard pick >= 0 else { break }
            // Take the parent's histogram out of its slot (the larger child's is computed in place).
            var large = leaves[pick].hist
            leaves[pick].hist = []
            let parent = leaves[pick]
            let split = parent.split!
            let mid = partition(parent.start, parent.count, split)
            let leftCount = mid - parent.start
            let rightCount = parent.count - leftCount
            // The smaller child's histogram by a pass over its rows; the larger's by subtraction
            // from the parent's, in the same loop.
            var small = take()
            let leftIsSmall = leftCount <= rightCount
            // The smaller child's rows are some of the parent's: it touches only bins the parent
            // touched, so the larger child's bins are the parent's.
            let smallTouched = large.withUnsafeMutableBufferPointer { l in
                if leftIsSmall {
                    fill(&small, parent.start, leftCount, gradient, hessian, sibling: l.baseAddress!)
                } else {
                    fill(&small, mid, rightCount, gradient, hessian, sibling: l.baseAddress!)
                }
            }
            let leftHist = leftIsSmall ? small : large
            let rightHist = leftIsSmall ? large : small
            let leftTouched = leftIsSmall ? smallTouched : parent.touched
            let rightTouched = leftIsSmall ? parent.touched : smallTouched
            let (lg, lh) = sums(leftHist, leftTouched)
            let leftNode = tree.feature.count
            tree.feature += [-1, -1]
            tree.threshold += [0, 0]
            tree.left += [-1, -1]
            tree.right += [-1, -1]
            tree.value += [0, 0]
            tree.feature[parent.node] = split.feature
            tree.threshold[parent.node] = binned.edges[split.feature][split.bin]
            tree.left[parent.node] = leftNode
            tree.right[parent.node] = leftNode + 1
            var left = Leaf(start: parent.start, count: leftCount, depth: parent.depth + 1, node: leftNode, g: lg, h: lh, hist: leftHist,
                            touched: leftTouched, split: nil)
            var right = Leaf(start: mid, count: rightCount, depth: parent.depth + 1, node: leftNode + 1,
                             g: parent.g - lg, h: parent.h - lh, hist: rightHist, touched: rightTouched, split: nil)
            left.split = bestSplit(left)
            right.split = bestSplit(right)
            leaves[pick] = left
            leaves.append(right)
        }
        var leafOfRow = [Int](repeating: 0, count: rows)
        let lambda = settings.l2Regularization
        for leaf in leaves {
            tree.value[leaf.node] = -settings.learningRate * leaf.g / (leaf.h + lambda)
            for i in leaf.start..<(leaf.start + leaf.count) { leafOfRow[Int(order[i])] = leaf.node }
            pool.append(leaf.hist)
        }
        return (tree, leafOfRow)
    }

    /// A histogram to fill (its values are overwritten).
    private mutating func take() -> [Double] {
        pool.popLast() ?? [Double](repeating: 0, count: histogramSize)
    }

    /// The gradient and hessian sums of a histogram (over the first feature's bins; only the
    /// `touched` ones if given, the others being zero).
    private func sums(_ hist: [Double], _ touched: [UInt64]?) -> (Double, Double) {
        var g = 0.0, h = 0.0
        if let touched {
            LeafWiseGrower.forEachTouched(touched, 0..<offsets[1]) { b in g += hist[b * 4]; h += hist[b * 4 + 1]; return true }
            return (g, h)
        }
        for b in 0..<offsets[1] { g += hist[b * 4]; h += hist[b * 4 + 1] }
        return (g, h)
    }

    /// Calls `body` with each set bit of `bits` in `range`, in ascending order, while it returns true.
    @inline(__always)
    private static func forEachTouched(_ bits: [UInt64], _ range: Range<Int>, _ body: (Int) -> Bool) {
        guard !range.isEmpty else { return }
        var word = range.lowerBound >> 6
        let lastWord = (range.upperBound - 1) >> 6
        var bitsLeft = bits[word] & (~0 << UInt64(range.lowerBound & 63))
        while true {
            while bitsLeft != 0 {
                let b = word << 6 + bitsLeft.trailingZeroBitCount
                if b >= range.upperBound { return }
                if !body(b) { return }
                bitsLeft &= bitsLeft - 1
            }
            word += 1
            if word > lastWord { return }
            bitsLeft = bits[word]
        }
    }

    /// Moves the rows of the segment going left (bin ≤ split bin) to its front, keeping both
    /// sides in ascending row order (so later passes over a leaf read memory in order); returns
    /// the boundary.
    private mutating func partition(_ start: Int, _ count: Int, _ split: Split) -> Int {
        let n = rows, feature = split.feature, bin = UInt8(split.bin)
        return binned.codes.withUnsafeBufferPointer { codes in
            order.withUnsafeMutableBufferPointer { o in
                scratch.withUnsafeMutableBufferPointer { right in
                    let column = codes.baseAddress! + feature * n
                    // Branch-free: the side is data, not a (mispredicted half the time) jump.
                    var left = start, moved = 0
                    for i in start..<(start + count) {
                        let r = o[i]
                        let goesLeft = column[Int(r)] <= bin ? 1 : 0
                        o[left] = r
                        right[moved] = r
                        left += goesLeft
                        moved += 1 - goesLeft
                    }
                    for j in 0..<moved { o[left + j] = right[j] }
                    return left
                }
            }
        }
    }

    /// Sums gradient, hessian and count per (feature, bin) over a segment of rows into `hist`
    /// (overwriting it) and subtracts the sums from `sibling` (the parent's histogram, becoming the
    /// other child's). Big segments are summed in two halves, on two threads when
    /// ``parallelPasses``; middle-sized ones, with ``parallelPasses``, by two threads each taking
    /// half of the features (the same sums as one thread: each bin still adds its rows in order).
    /// Each sums into a single-precision histogram (16 bytes a bin: half the cache of double
    /// precision, in the hot loop), converted to double precision at the end.
    /// - Returns: with ``sparseScans``, after a sparse pass, the bins it touched (one bit each; the
    ///   others are left as they were in `hist`, and stand for zero); otherwise nil (all of `hist`
    ///   is written).
    private mutating func fill(_ hist: inout [Double], _ start: Int, _ count: Int, _ gradient: [Double], _ hessian: [Double],
                               sibling: UnsafeMutablePointer<Double>?) -> [UInt64]? {
        let f = features, size = histogramSize
        if sparsePasses && count * f < offsets[f] {
            return fillSparse(&hist, start, count, gradient, hessian, sibling: sibling)
        }
        let parts = count >= 8192 ? 2 : 1
        if partial.count < parts * size { partial = [Float](repeating: 0, count: 2 * size) }
        let byFeatures = parallelPasses && parts == 1 && count >= LeafWiseGrower.featureSplitRows && f >= 2
        let threads = parallelPasses ? parts : 1
        rowCodes.withUnsafeBufferPointer { codes in
            order.withUnsafeBufferPointer { o in
                gradient.withUnsafeBufferPointer { g in
                    hessian.withUnsafeBufferPointer { h in
                        offsets.withUnsafeBufferPointer { offsets in
                            partial.withUnsafeMutableBufferPointer { p in
                                let target = SendableFloats(p: p.baseAddress!)
                                let input = SendableInput(codes: codes.baseAddress!, order: o.baseAddress!, g: g.baseAddress!, h: h.baseAddress!,
                                                          offsets: offsets.baseAddress!)
                                if byFeatures {
                                    DispatchQueue.concurrentPerform(iterations: 2) { half in
                                        let features = half == 0 ? 0..<(f / 2) : (f / 2)..<f
                                        LeafWiseGrower.accumulate(input, into: target.p, start, start + count, features: f, only: features)
                                    }
                                    return
                                }
                                let body = { @Sendable (part: Int) in
                                    let half = count / parts
                                    let lo = start + part * half
                                    let hi = part == parts - 1 ? start + count : lo + half
                                    LeafWiseGrower.accumulate(input, into: target.p + part * size, lo, hi, features: f, only: 0..<f)
                                }
                                if threads == 1 {
                                    for part in 0..<parts { body(part) }
                                } else {
                                    DispatchQueue.concurrentPerform(iterations: parts, execute: body)
                                }
                            }
                        }
                    }
                }
            }
        }
        // hist = Σ parts in double precision (the parts are never -0: the same as adding them to
        // zeros), and sibling -= hist; each part's bin is zeroed as it is read (see `partial`).
        hist.withUnsafeMutableBufferPointer { h0 in
            partial.withUnsafeMutableBufferPointer { p in
                let h0 = h0.baseAddress!, p = p.baseAddress!
                switch (parts, sibling) {
                case (1, nil): for i in 0..<size { h0[i] = Double(p[i]); p[i] = 0 }
                case (1, let s?): for i in 0..<size { let v = Double(p[i]); p[i] = 0; h0[i] = v; s[i] -= v }
                case (_, nil):
                    for i in 0..<size { h0[i] = Double(p[i]) + Double(p[size + i]); p[i] = 0; p[size + i] = 0 }
                case (_, let s?):
                    for i in 0..<size { let v = Double(p[i]) + Double(p[size + i]); p[i] = 0; p[size + i] = 0; h0[i] = v; s[i] -= v }
                }
            }
        }
        return nil
    }

    /// ``fill(_:_:_:_:_:sibling:)`` for a segment with fewer (row, feature) pairs than the
    /// histogram has bins: the same sums, but only the bins its rows touch are converted, zeroed
    /// again in `partial`, and subtracted from `sibling` (the others are zero in `hist`, and subtracting zero leaves
    /// the sibling's values as they are), instead of the whole histogram. With ``sparseScans`` the
    /// other bins of `hist` are not zeroed either: the returned bitmap lists the touched ones.
    private mutating func fillSparse(_ hist: inout [Double], _ start: Int, _ count: Int, _ gradient: [Double], _ hessian: [Double],
                                     sibling: UnsafeMutablePointer<Double>?) -> [UInt64]? {
        let f = features
        var touched = [UInt64](repeating: 0, count: (offsets[f] + 63) >> 6)
        let scans = sparseScans
        if partial.count < histogramSize { partial = [Float](repeating: 0, count: 2 * histogramSize) }
        rowCodes.withUnsafeBufferPointer { codes in
            order.withUnsafeBufferPointer { o in
                gradient.withUnsafeBufferPointer { g in
                    hessian.withUnsafeBufferPointer { h in
                        offsets.withUnsafeBufferPointer { offsets in
                            partial.withUnsafeMutableBufferPointer { p in
                                hist.withUnsafeMutableBufferPointer { h0 in
                                  touched.withUnsafeMutableBufferPointer { t in
                                    let bins = UnsafeMutableRawPointer(p.baseAddress!).assumingMemoryBound(to: SIMD4<Float>.self)
                                    let codes = codes.baseAddress!, offsets = offsets.baseAddress!
                                    // `partial` is all zero here (see its declaration): no clearing.
                                    let input = SendableInput(codes: codes, order: o.baseAddress!, g: g.baseAddress!, h: h.baseAddress!, offsets: offsets)
                                    LeafWiseGrower.accumulate(input, into: p.baseAddress!, start, start + count, features: f, only: 0..<f)
                                    if !scans { h0.update(repeating: 0) }
                                    let out = h0.baseAddress!
                                    for i in start..<(start + count) {
                                        let row = codes + Int(o[i]) * f
                                        for c in 0..<f {
                                            let bin = offsets[c] + Int(row[c])
                                            // A touched bin counts at least one row; once converted it is zeroed,
                                            // so later rows in the same bin skip it.
                                            let sum = bins[bin]
                                            if sum[2] == 0 { continue }
                                            bins[bin] = .zero
                                            t[bin >> 6] |= 1 << UInt64(bin & 63)
                                            for j in 0..<4 {
                                                let v = Double(sum[j])
                                                out[bin * 4 + j] = v
                                                if let sibling { sibling[bin * 4 + j] -= v }
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
        }
        return scans ? touched : nil
    }

    /// Segments of at least this many rows (and fewer than two halves' worth) are summed by two
    /// threads, each over half of the features.
    static let featureSplitRows = 2048

    /// The histogram kernel: per row, one 4-wide add of (gradient, hessian, 1, 0) per feature of
    /// `range` (of the `f` features a row has).
    @inline(__always)
    private static func accumulate(_ input: SendableInput, into out: UnsafeMutablePointer<Float>, _ lo: Int, _ hi: Int, features f: Int,
                                   only range: Range<Int>) {
        let bins = UnsafeMutableRawPointer(out).assumingMemoryBound(to: SIMD4<Float>.self)
        let codes = input.codes, order = input.order, g = input.g, h = input.h, offsets = input.offsets
        // The rows of a leaf are scattered: start loading a row's codes and gradients some rows
        // before they are needed, so that the misses overlap instead of stalling each row.
        let ahead = 12
        for i in lo..<hi {
            if i + ahead < hi {
                let next = Int(order[i + ahead])
                sluice_prefetch(codes + next * f)
                sluice_prefetch(g + next)
                sluice_prefetch(h + next)
            }
            let r = Int(order[i])
            let add = SIMD4<Float>(Float(g[r]), Float(h[r]), 1, 0)
            let row = codes + r * f
            for c in range {
                let slot = bins + (offsets[c] + Int(row[c]))
                slot.pointee += add
            }
        }
    }

    /// The best split of a leaf, if one is allowed and gains anything.
    private func bestSplit(_ leaf: Leaf) -> Split? {
        let minLeaf = Double(settings.minSamplesLeaf)
        if leaf.count < 2 * settings.minSamplesLeaf { return nil }
        if let maxDepth = settings.maxDepth, leaf.depth >= maxDepth { return nil }
        let lambda = settings.l2Regularization
        let parentScore = leaf.g * leaf.g / (leaf.h + lambda)
        let total = Double(leaf.count)
        var best: Split?
        leaf.hist.withUnsafeBufferPointer { hist in
            for f in 0..<features {
                let bins = offsets[f + 1] - offsets[f]
                let base = offsets[f] * 4
                var gl = 0.0, hl = 0.0, cl = 0.0
                // One bin of the scan; false to stop the feature.
                @inline(__always) func visit(_ b: Int) -> Bool {
                    gl += hist[base + b * 4]
                    hl += hist[base + b * 4 + 1]
                    cl += hist[base + b * 4 + 2]
                    if cl < minLeaf { return true }
                    if total - cl < minLeaf { return false }
                    let hr = leaf.h - hl
                    if hl < 1e-3 || hr < 1e-3 { return true }
                    let gr = leaf.g - gl
                    let gain = gl * gl / (hl + lambda) + gr * gr / (hr + lambda) - parentScore
                    if gain > 1e-12, best == nil || gain > best!.gain {
                        best = Split(feature: f, bin: b, gain: gain)
                    }
                    return true
                }
                if let touched = leaf.touched {
                    let first = offsets[f]
                    LeafWiseGrower.forEachTouched(touched, first..<(first + bins - 1)) { visit($0 - first) }
                } else {
                    for b in 0..<(bins - 1) where !visit(b) { break }
                }
            }
        }
        return best
    }
}

extension LeafWiseGrower {
    /// A histogram being filled, shared by the threads of one pass (each fills its own part).
    fileprivate struct SendableFloats: @unchecked Sendable {
        let p: UnsafeMutablePointer<Float>
    }

    /// The read-only inputs of a histogram pass, shared by its threads.
    fileprivate struct SendableInput: @unchecked Sendable {
        let codes: UnsafePointer<UInt8>
        let order: UnsafePointer<Int32>
        let g: UnsafePointer<Double>
        let h: UnsafePointer<Double>
        let offsets: UnsafePointer<Int>
    }
}
