/// How a tree measures the impurity of a node's classes.
public enum SplitCriterion: String, Sendable, CaseIterable {
    case gini, entropy
    /// scikit-learn's alias of `entropy`.
    case logLoss = "log_loss"
}

/// The growth limits of one tree, scikit-learn's names and meanings.
public struct TreeGrowth: Sendable, Equatable {
    public var criterion: SplitCriterion = .gini
    public var maxDepth: Int? = nil
    public var minSamplesSplit: Int = 2
    public var minSamplesLeaf: Int = 1
    /// Number of features examined at each node; `nil` means all.
    public var maxFeatures: Int? = nil
    public init() {}
}

/// Grows one classification tree depth-first, CART style: at each node, the features (a random
/// subset of `maxFeatures` when set) are each sorted and swept for the threshold that most lowers the
/// weighted impurity. Thresholds fall midway between consecutive distinct values, as in scikit-learn.
///
/// - Complexity: O(F · n log n) per tree level, for F features examined and n rows.
struct TreeBuilder {
    let x: Matrix
    let y: [Int]
    let weights: [Double]
    let classes: Int
    let growth: TreeGrowth
    var rng: SplitMix64

    private var feature: [Int] = []
    private var threshold: [Double] = []
    private var left: [Int] = []
    private var right: [Int] = []
    private var value: [Double] = []
    private var order: [Int] = []
    private var keys: [Double] = []

    init(x: Matrix, y: [Int], weights: [Double], classes: Int, growth: TreeGrowth, rng: SplitMix64) {
        self.x = x
        self.y = y
        self.weights = weights
        self.classes = classes
        self.growth = growth
        self.rng = rng
    }

    /// Grows the tree over the rows with positive weight.
    mutating func build() -> Tree {
        var rows = (0..<x.rows).filter { weights[$0] > 0 }
        order = [Int](repeating: 0, count: rows.count)
        keys = [Double](repeating: 0, count: x.rows)
        grow(&rows, 0, rows.count, depth: 0)
        return Tree(feature: feature, threshold: threshold, left: left, right: right, value: value, outputs: classes)
    }

    private func impurity(_ counts: [Double], _ total: Double) -> Double {
        guard total > 0 else { return 0 }
        switch growth.criterion {
        case .gini:
            var s = 0.0
            for c in counts { s += c * c }
            return 1 - s / (total * total)
        case .entropy, .logLoss:
            var h = 0.0
            for c in counts where c > 0 {
                let p = c / total
                h -= p * log2(p)
            }
            return h
        }
    }

    @discardableResult
    private mutating func grow(_ rows: inout [Int], _ lo: Int, _ hi: Int, depth: Int) -> Int {
        var counts = [Double](repeating: 0, count: classes)
        var total = 0.0
        for i in lo..<hi {
            counts[y[rows[i]]] += weights[rows[i]]
            total += weights[rows[i]]
        }
        let node = feature.count
        feature.append(-1)
        threshold.append(0)
        left.append(-1)
        right.append(-1)
        value.append(contentsOf: counts.map { total > 0 ? $0 / total : 0 })

        let n = hi - lo
        let parentImpurity = impurity(counts, total)
        if let maxDepth = growth.maxDepth, depth >= maxDepth { return node }
        if n < growth.minSamplesSplit || n < 2 * growth.minSamplesLeaf || parentImpurity <= 1e-12 { return node }

        guard let split = bestSplit(rows, lo, hi, counts, total) else { return node }
        // Partition rows[lo..<hi] so that the left child comes first.
        var mid = lo
        let base = split.feature * x.rows
        for i in lo..<hi where x.values[base + rows[i]] <= split.threshold {
            rows.swapAt(i, mid)
            mid += 1
        }
        feature[node] = split.feature
        threshold[node] = split.threshold
        let l = grow(&rows, lo, mid, depth: depth + 1)
        let r = grow(&rows, mid, hi, depth: depth + 1)
        left[node] = l
        right[node] = r
        return node
    }

    private struct Split {
        var feature: Int
        var threshold: Double
        var score: Double
    }

    private mutating func bestSplit(_ rows: [Int], _ lo: Int, _ hi: Int, _ counts: [Double], _ total: Double) -> Split? {
        let features = x.cols
        let wanted = min(growth.maxFeatures ?? features, features)
        var candidates = Array(0..<features)
        var best: Split?
        var visited = 0
        var drawn = 0
        var leftCounts = [Double](repeating: 0, count: classes)
        var rightCounts = [Double](repeating: 0, count: classes)
        let n = hi - lo
        // Draw features without replacement until `wanted` non-constant ones have been examined.
        while drawn < features && visited < wanted {
            let pick = drawn + rng.below(features - drawn)
            candidates.swapAt(drawn, pick)
            let f = candidates[drawn]
            drawn += 1
            let base = f * x.rows
            for i in 0..<n {
                order[i] = rows[lo + i]
                keys[rows[lo + i]] = x.values[base + rows[lo + i]]
            }
            let keys = self.keys
            order[0..<n].sort { a, b in keys[a] < keys[b] || (keys[a] == keys[b] && a < b) }
            if keys[order[n - 1]] <= keys[order[0]] + 1e-7 { continue }  // constant in this node
            visited += 1
            for k in 0..<classes { leftCounts[k] = 0; rightCounts[k] = counts[k] }
            var leftWeight = 0.0
            for i in 0..<(n - 1) {
                let r = order[i]
                let w = weights[r]
                leftCounts[y[r]] += w
                rightCounts[y[r]] -= w
                leftWeight += w
                let leftN = i + 1
                if leftN < growth.minSamplesLeaf { continue }
                if n - leftN < growth.minSamplesLeaf { break }
                let v = keys[r], next = keys[order[i + 1]]
                if next <= v + 1e-7 { continue }
                let rightWeight = total - leftWeight
                let score = -(leftWeight * impurity(leftCounts, leftWeight) + rightWeight * impurity(rightCounts, rightWeight))
                if best == nil || score > best!.score + 1e-12 {
                    var t = v / 2 + next / 2
                    if t >= next || !t.isFinite { t = v }
                    best = Split(feature: f, threshold: t, score: score)
                }
            }
        }
        return best
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
