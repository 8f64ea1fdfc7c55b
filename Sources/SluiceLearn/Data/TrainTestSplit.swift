/// Which rows train and which rows test a model.
public struct TrainTestSplit: Equatable, Sendable {
    public var train: [Int]
    public var test: [Int]

    /// Splits `count` rows at random, holding out `ceil(testFraction × count)` rows for testing
    /// (scikit-learn's rounding). Both index lists come back in ascending order.
    ///
    /// - Parameters:
    ///   - labels: when given, the split is stratified: each class keeps its share of the rows in
    ///     both parts (largest remainders, ties to the smaller class index).
    /// - Throws: ``LearnError`` when a part would be empty.
    public static func make(count: Int, testFraction: Double, seed: UInt64, labels: [Int]? = nil) throws -> TrainTestSplit {
        let nTest = Int((testFraction * Double(count)).rounded(.up))
        guard nTest >= 1, nTest < count else {
            throw LearnError("a test fraction of \(JSONNumber(testFraction)) leaves \(nTest) of \(count) rows for testing; both parts need at least one row")
        }
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
