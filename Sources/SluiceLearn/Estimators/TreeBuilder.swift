#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Grows one CART tree depth-first on binned features. At each node the candidate features (a
/// random `maxFeatures` of them, drawn until that many non-constant ones were examined, as
/// scikit-learn does) each get a histogram of the node's rows by bin, and the histogram is swept
/// for the split that most lowers the weighted impurity. Extremely randomised trees take one random
/// split per feature and need no histogram: one pass finds the node's range of bins, a threshold
/// is drawn in it, and one pass sums the left side. Features with few distinct values have one bin
/// per value, so on such data the splits are exactly those of a sorting CART.
///
/// - Complexity: O(F · (n + bins · K)) per tree level, for F features examined, n rows, K classes.
struct TreeBuilder {
    let x: BinnedMatrix
    let target: TreeTarget
    let weights: [Double]
    let growth: TreeGrowth
    var rng: SplitMix64
    let outputs: Int

    /// Draws random thresholds through the histogram sweep, as before the histogram-free pass
    /// (the same splits; tests compare the two).
    var histogramRandomSplits = false

    private var feature: [Int] = []
    private var threshold: [Double] = []
    private var left: [Int] = []
    private var right: [Int] = []
    private var value: [Double] = []
    // Scratch histograms: per bin and output, the weighted sums; per bin, the row counts.
    private var hist: [Double]
    // Random splits: per position of `rows`, its weight and its class (or weight × value), moved
    // with the rows, and the bins of the feature being examined, so the left side's pass reads
    // them in order.
    private var nodeWeight: [Double] = []
    private var nodeClass: [Int] = []
    private var nodeWeighted: [Double] = []
    private var nodeBins: [UInt8] = []
    private var histCount: [Int]

    init(x: BinnedMatrix, target: TreeTarget, weights: [Double], growth: TreeGrowth, rng: SplitMix64) {
        self.x = x
        self.target = target
        self.weights = weights
        self.growth = growth
        self.rng = rng
        switch target {
        case .classes(_, let k): outputs = k
        case .values: outputs = 1
        }
        hist = [Double](repeating: 0, count: 256 * (outputs + 1))
        histCount = [Int](repeating: 0, count: 256)
    }

    /// Grows the tree over the rows with positive weight.
    mutating func build() -> Tree {
        var rows = (0..<x.rows).filter { weights[$0] > 0 }
        if growth.randomThresholds && !histogramRandomSplits {
            nodeWeight = rows.map { weights[$0] }
            nodeBins = [UInt8](repeating: 0, count: rows.count)
            switch target {
            case .classes(let y, _): nodeClass = rows.map { y[$0] }
            case .values(let y): nodeWeighted = rows.map { weights[$0] * y[$0] }
            }
        }
        grow(&rows, 0, rows.count, depth: 0)
        return Tree(feature: feature, threshold: threshold, left: left, right: right, value: value, outputs: outputs)
    }

    /// Class weight sums (classification) or [Σw·y, Σw, Σw·y²] (regression) of rows[lo..<hi].
    private func totals(_ rows: [Int], _ lo: Int, _ hi: Int) -> (sums: [Double], weight: Double, squares: Double) {
        var sums = [Double](repeating: 0, count: outputs)
        var weight = 0.0, squares = 0.0
        switch target {
        case .classes(let y, _):
            for i in lo..<hi { let r = rows[i]; sums[y[r]] += weights[r]; weight += weights[r] }
        case .values(let y):
            for i in lo..<hi { let r = rows[i]; let w = weights[r]; sums[0] += w * y[r]; weight += w; squares += w * y[r] * y[r] }
        }
        return (sums, weight, squares)
    }

    private func impurity(_ sums: UnsafePointer<Double>, _ weight: Double, squares: Double = 0) -> Double {
        guard weight > 0 else { return 0 }
        switch growth.criterion {
        case .gini:
            var s = 0.0
            for k in 0..<outputs { s += sums[k] * sums[k] }
            return 1 - s / (weight * weight)
        case .entropy, .logLoss:
            var h = 0.0
            for k in 0..<outputs where sums[k] > 0 {
                let p = sums[k] / weight
                h -= p * log2(p)
            }
            return h
        case .squaredError:
            let mean = sums[0] / weight
            return max(0, squares / weight - mean * mean)
        }
    }

    @discardableResult
    private mutating func grow(_ rows: inout [Int], _ lo: Int, _ hi: Int, depth: Int) -> Int {
        let (sums, total, squares) = totals(rows, lo, hi)
        let node = feature.count
        feature.append(-1)
        threshold.append(0)
        left.append(-1)
        right.append(-1)
        if case .values = target {
            value.append(total > 0 ? sums[0] / total : 0)
        } else {
            value.append(contentsOf: sums.map { total > 0 ? $0 / total : 0 })
        }
        let n = hi - lo
        let parentImpurity = sums.withUnsafeBufferPointer { impurity($0.baseAddress!, total, squares: squares) }
        if let maxDepth = growth.maxDepth, depth >= maxDepth { return node }
        if n < growth.minSamplesSplit || n < 2 * growth.minSamplesLeaf || parentImpurity <= 1e-12 { return node }
        guard let split = bestSplit(rows, lo, hi, sums, total) else { return node }
        var mid = lo
        let base = split.feature * x.rows
        // The per-position arrays of random splits move with the rows (taken out of `self` while they do).
        var w: [Double] = [], classes: [Int] = [], weighted: [Double] = []
        swap(&w, &nodeWeight)
        swap(&classes, &nodeClass)
        swap(&weighted, &nodeWeighted)
        x.codes.withUnsafeBufferPointer { codes in
            rows.withUnsafeMutableBufferPointer { r in
                if w.isEmpty {
                    for i in lo..<hi where Int(codes[base + r[i]]) <= split.bin {
                        r.swapAt(i, mid)
                        mid += 1
                    }
                    return
                }
                let moveClass = !classes.isEmpty
                for i in lo..<hi where Int(codes[base + r[i]]) <= split.bin {
                    r.swapAt(i, mid)
                    w.swapAt(i, mid)
                    if moveClass { classes.swapAt(i, mid) } else { weighted.swapAt(i, mid) }
                    mid += 1
                }
            }
        }
        swap(&w, &nodeWeight)
        swap(&classes, &nodeClass)
        swap(&weighted, &nodeWeighted)
        feature[node] = split.feature
        threshold[node] = x.edges[split.feature][split.bin]
        let l = grow(&rows, lo, mid, depth: depth + 1)
        let r = grow(&rows, mid, hi, depth: depth + 1)
        left[node] = l
        right[node] = r
        return node
    }

    private struct Split {
        var feature: Int
        var bin: Int
        var score: Double
    }

    private mutating func bestSplit(_ rows: [Int], _ lo: Int, _ hi: Int, _ sums: [Double], _ total: Double) -> Split? {
        let features = x.cols
        let wanted = min(growth.maxFeatures ?? features, features)
        var candidates = Array(0..<features)
        var best: Split?
        var visited = 0
        var drawn = 0
        let k = outputs
        var leftSums = [Double](repeating: 0, count: k)
        var rightSums = [Double](repeating: 0, count: k)
        let n = hi - lo
        let stride = k + 1
        while drawn < features && visited < wanted {
            let pick = drawn + rng.below(features - drawn)
            candidates.swapAt(drawn, pick)
            let f = candidates[drawn]
            drawn += 1
            guard x.binCount(f) > 1 else { continue }
            if growth.randomThresholds && !histogramRandomSplits {
                // One random threshold needs no histogram: the node's range of bins, then the left side's sums.
                guard let (first, last) = binRange(f, rows, lo, hi), first < last else { continue }
                visited += 1
                let choice = first + rng.below(last - first)
                let (leftWeight, leftCount) = leftSide(choice, lo, hi, &leftSums)
                if leftCount < growth.minSamplesLeaf || n - leftCount < growth.minSamplesLeaf { continue }
                let rightWeight = total - leftWeight
                guard leftWeight > 0, rightWeight > 0 else { continue }
                for j in 0..<k { rightSums[j] = sums[j] - leftSums[j] }
                let score = splitScore(leftSums, leftWeight, rightSums, rightWeight)
                if best == nil || score > best!.score + 1e-12 * abs(best!.score) {
                    best = Split(feature: f, bin: choice, score: score)
                }
                continue
            }
            // The histogram is all zeros between uses; only the bins this node touches are filled,
            // swept and cleared again, so small nodes cost little.
            let (first, last) = fillHistogram(f, rows, lo, hi)
            defer { clearHistogram(first, last) }
            if first == last { continue }  // constant in this node
            visited += 1
            var choice: Int?
            if growth.randomThresholds { choice = first + rng.below(last - first) }
            for j in 0..<k { leftSums[j] = 0; rightSums[j] = sums[j] }
            var leftWeight = 0.0, leftCount = 0
            for b in first..<last {
                let c = histCount[b]
                if c > 0 {
                    for j in 0..<k {
                        let v = hist[b * stride + j]
                        leftSums[j] += v
                        rightSums[j] -= v
                    }
                    leftWeight += hist[b * stride + k]
                    leftCount += c
                }
                if let choice {
                    if b != choice { continue }
                } else if c == 0 {
                    continue  // the same split as the previous non-empty bin
                }
                if leftCount < growth.minSamplesLeaf || n - leftCount < growth.minSamplesLeaf { continue }
                let rightWeight = total - leftWeight
                guard leftWeight > 0, rightWeight > 0 else { continue }
                let score = splitScore(leftSums, leftWeight, rightSums, rightWeight)
                if best == nil || score > best!.score + 1e-12 * abs(best!.score) {
                    best = Split(feature: f, bin: b, score: score)
                }
            }
        }
        return best
    }

    /// Higher is better: minus the weighted child impurity (up to a constant per node).
    @inline(__always)
    private func splitScore(_ l: [Double], _ wl: Double, _ r: [Double], _ wr: Double) -> Double {
        switch growth.criterion {
        case .gini:
            var sl = 0.0, sr = 0.0
            for j in 0..<outputs { sl += l[j] * l[j]; sr += r[j] * r[j] }
            return sl / wl + sr / wr
        case .squaredError:
            return l[0] * l[0] / wl + r[0] * r[0] / wr
        case .entropy, .logLoss:
            return -(l.withUnsafeBufferPointer { wl * impurity($0.baseAddress!, wl) } + r.withUnsafeBufferPointer { wr * impurity($0.baseAddress!, wr) })
        }
    }

    /// The lowest and highest bin of feature `f` among `rows[lo..<hi]` (`nil` for no rows); the
    /// bins are kept in `nodeBins[lo..<hi]` for ``leftSide(_:_:_:_:)``.
    private mutating func binRange(_ f: Int, _ rows: [Int], _ lo: Int, _ hi: Int) -> (Int, Int)? {
        guard lo < hi else { return nil }
        let base = f * x.rows
        var first: UInt8 = 255, last: UInt8 = 0
        var kept: [UInt8] = []
        swap(&kept, &nodeBins)
        defer { swap(&kept, &nodeBins) }
        x.codes.withUnsafeBufferPointer { codes in
            rows.withUnsafeBufferPointer { r in
                kept.withUnsafeMutableBufferPointer { bins in
                    for i in lo..<hi {
                        let b = codes[base &+ r[i]]
                        bins[i] = b
                        first = min(first, b)
                        last = max(last, b)
                    }
                }
            }
        }
        return (Int(first), Int(last))
    }

    /// Sums the rows at `lo..<hi` whose bin (in `nodeBins`, from ``binRange(_:_:_:_:)``) is at
    /// most `choice` into `leftSums` (per class, or Σw·y for regression), in row order, without
    /// branching on the side.
    /// - Returns: their total weight and their count.
    private func leftSide(_ choice: Int, _ lo: Int, _ hi: Int, _ leftSums: inout [Double]) -> (weight: Double, count: Int) {
        let limit = UInt8(choice)
        var weight = 0.0, count = 0
        for j in 0..<leftSums.count { leftSums[j] = 0 }
        nodeBins.withUnsafeBufferPointer { bins in
            nodeWeight.withUnsafeBufferPointer { w in
                leftSums.withUnsafeMutableBufferPointer { sums in
                    switch target {
                    case .classes:
                        nodeClass.withUnsafeBufferPointer { y in
                            for i in lo..<hi {
                                let isLeft = bins[i] <= limit
                                let wl = isLeft ? w[i] : 0
                                sums[y[i]] += wl
                                weight += wl
                                count &+= isLeft ? 1 : 0
                            }
                        }
                    case .values:
                        nodeWeighted.withUnsafeBufferPointer { wy in
                            var s = 0.0
                            for i in lo..<hi {
                                let isLeft = bins[i] <= limit
                                s += isLeft ? wy[i] : 0
                                weight += isLeft ? w[i] : 0
                                count &+= isLeft ? 1 : 0
                            }
                            sums[0] = s
                        }
                    }
                }
            }
        }
        return (weight, count)
    }

    /// Fills the histogram of feature `f` over `rows[lo..<hi]`.
    /// - Returns: the lowest and highest bin touched.
    private mutating func fillHistogram(_ f: Int, _ rows: [Int], _ lo: Int, _ hi: Int) -> (Int, Int) {
        let k = outputs
        let stride = k + 1
        let base = f * x.rows
        var first = 255, last = 0
        x.codes.withUnsafeBufferPointer { codes in
            hist.withUnsafeMutableBufferPointer { h in
                histCount.withUnsafeMutableBufferPointer { hc in
                    rows.withUnsafeBufferPointer { r in
                        weights.withUnsafeBufferPointer { w in
                            switch target {
                            case .classes(let y, _):
                                y.withUnsafeBufferPointer { y in
                                    for i in lo..<hi {
                                        let row = r[i]
                                        let b = Int(codes[base + row])
                                        first = min(first, b)
                                        last = max(last, b)
                                        h[b * stride + y[row]] += w[row]
                                        h[b * stride + k] += w[row]
                                        hc[b] += 1
                                    }
                                }
                            case .values(let y):
                                y.withUnsafeBufferPointer { y in
                                    for i in lo..<hi {
                                        let row = r[i]
                                        let b = Int(codes[base + row])
                                        first = min(first, b)
                                        last = max(last, b)
                                        h[b * 2] += w[row] * y[row]
                                        h[b * 2 + 1] += w[row]
                                        hc[b] += 1
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return (first, last)
    }

    private mutating func clearHistogram(_ first: Int, _ last: Int) {
        guard first <= last else { return }
        let stride = outputs + 1
        for i in (first * stride)..<((last + 1) * stride) { hist[i] = 0 }
        for b in first...last { histCount[b] = 0 }
    }
}
