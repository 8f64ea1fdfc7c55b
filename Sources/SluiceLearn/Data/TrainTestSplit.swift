/// Which rows train and which rows test a model.
public struct TrainTestSplit: Equatable, Sendable {
    /// Row indices (0-based) of the training part, in the order the model sees them.
    public var train: [Int]
    /// Row indices (0-based) of the test part, in the order they are evaluated.
    public var test: [Int]

    public init(train: [Int], test: [Int]) {
        self.train = train
        self.test = test
    }

    /// Splits `count` rows as `spec` says.
    ///
    /// - Parameters:
    ///   - labels: class indices of the rows (required when `spec.stratify`), numbered in the
    ///     order the method sorts classes: ``TrainTestSplit/classIndices(_:method:)``.
    /// - Throws: ``LearnError`` when a part would be empty, or (scikit-learn, stratified) when
    ///   scikit-learn would refuse the split.
    public static func make(_ spec: SplitSpec, count: Int, labels: [Int]?) throws -> TrainTestSplit {
        let nTest = try spec.testSize.rows(of: count)
        let labels = spec.stratify ? labels : nil
        switch spec.method {
        case .sluice:
            return make(count: count, nTest: nTest, seed: spec.seed, labels: labels)
        case .sklearn:
            guard let seed = UInt32(exactly: spec.seed) else {
                throw LearnError("spec.dataset.split.seed \(spec.seed) is too large for method sklearn; numpy's RandomState takes seeds from 0 to 4294967295")
            }
            if let labels { return try ScikitLearnSplit.stratified(labels: labels, nTest: nTest, seed: seed) }
            return ScikitLearnSplit.shuffled(count: count, nTest: nTest, seed: seed)
        }
    }

    /// Splits `count` rows at random, holding out `ceil(testFraction × count)` rows for testing
    /// (scikit-learn's rounding). Both index lists come back in ascending order.
    ///
    /// - Parameters:
    ///   - labels: when given, the split is stratified: each class keeps its share of the rows in
    ///     both parts (largest remainders, ties to the smaller class index).
    /// - Throws: ``LearnError`` when a part would be empty.
    public static func make(count: Int, testFraction: Double, seed: UInt64, labels: [Int]? = nil) throws -> TrainTestSplit {
        make(count: count, nTest: try TestSize.fraction(testFraction).rows(of: count), seed: seed, labels: labels)
    }

    /// Sluice's own split of `count` rows with `nTest` test rows (SplitMix64).
    static func make(count: Int, nTest: Int, seed: UInt64, labels: [Int]?) -> TrainTestSplit {
        var rng = SplitMix64(seed: seed)
        var test: [Int] = []
        if let labels {
            let classes = (labels.max() ?? -1) + 1
            var members = [[Int]](repeating: [], count: classes)
            for (i, y) in labels.enumerated() { members[y].append(i) }
            // Largest-remainder allocation of the test rows across classes.
            let exact = members.map { Double($0.count) * Double(nTest) / Double(count) }
            var quota = exact.map { Int($0.rounded(.down)) }
            var left = nTest - quota.reduce(0, +)
            let order = (0..<classes).sorted { a, b in
                let ra = exact[a] - Double(quota[a]), rb = exact[b] - Double(quota[b])
                return ra != rb ? ra > rb : a < b
            }
            for c in order where left > 0 && quota[c] < members[c].count {
                quota[c] += 1
                left -= 1
            }
            for c in 0..<classes {
                var rows = members[c]
                rng.shuffle(&rows)
                test.append(contentsOf: rows.prefix(quota[c]))
            }
        } else {
            var rows = Array(0..<count)
            rng.shuffle(&rows)
            test = Array(rows.prefix(nTest))
        }
        test.sort()
        var isTest = [Bool](repeating: false, count: count)
        for i in test { isTest[i] = true }
        let train = (0..<count).filter { !isTest[$0] }
        return TrainTestSplit(train: train, test: test)
    }
}

/// Formats a number for a message the way it was likely written.
func JSONNumber(_ d: Double) -> String { d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : "\(d)" }
