/// scikit-learn's `train_test_split(X, y, test_size=…, random_state=seed, shuffle=True,
/// stratify=…)`, reproduced draw for draw: the same rows in the same order, so that a model
/// migrated from a notebook trains and is tested on exactly the rows it was there.
///
/// The number of test rows is counted by ``TestSize/rows(of:)`` (`_validate_shuffle_split`:
/// `ceil(f × n)` for a fraction, the number itself for a count); the rest train.
/// See docs/manifests.md ("Splits") for the comparison with Sluice's own method.
public enum ScikitLearnSplit {
    /// `ShuffleSplit`: `RandomState(seed).permutation(count)`; its first `nTest` entries test,
    /// the rest train, both in permutation order.
    /// - Complexity: O(count).
    public static func shuffled(count: Int, nTest: Int, seed: UInt32) -> TrainTestSplit {
        var rng = MersenneTwister(seed: seed)
        let permutation = rng.permutation(count)
        return TrainTestSplit(train: Array(permutation[nTest...]), test: Array(permutation[..<nTest]))
    }

    /// `StratifiedShuffleSplit`: rows per class from `_approximate_mode` (training rows first,
    /// then test rows from what is left), each class's rows permuted, then both parts permuted,
    /// all from one `RandomState(seed)` in scikit-learn's order of draws.
    ///
    /// - Parameter labels: class indices numbered in sorted class order (`np.unique`).
    /// - Throws: ``LearnError`` where scikit-learn raises: a class with a single row, or fewer
    ///   train or test rows than classes.
    /// - Complexity: O(n + classes²).
    public static func stratified(labels: [Int], nTest: Int, seed: UInt32) throws -> TrainTestSplit {
        let nTrain = labels.count - nTest
        let classes = (labels.max() ?? -1) + 1
        var members = [[Int]](repeating: [], count: classes)
        for (row, y) in labels.enumerated() { members[y].append(row) }
        let counts = members.map(\.count)
        if let lonely = counts.firstIndex(where: { $0 < 2 }) {
            throw LearnError("class #\(lonely + 1) (in sorted order) has \(counts[lonely]) row(s); scikit-learn's stratified split needs at least 2 rows of every class. Set spec.dataset.split.stratify to false or add rows")
        }
        if nTrain < classes || nTest < classes {
            throw LearnError("a stratified split of \(classes) classes needs at least \(classes) training and \(classes) test rows, but gets \(nTrain) and \(nTest); change spec.dataset.split.testFraction or testSize")
        }
        var rng = MersenneTwister(seed: seed)
        let trainPerClass = approximateMode(counts, draws: nTrain, rng: &rng)
        let remaining = zip(counts, trainPerClass).map { $0 - $1 }
        let testPerClass = approximateMode(remaining, draws: nTest, rng: &rng)
        var train: [Int] = [], test: [Int] = []
        for c in 0..<classes {
            let rows = rng.permutation(counts[c]).map { members[c][$0] }
            train += rows[..<trainPerClass[c]]
            test += rows[trainPerClass[c]..<(trainPerClass[c] + testPerClass[c])]
        }
        rng.shuffle(&train)
        rng.shuffle(&test)
        return TrainTestSplit(train: train, test: test)
    }

    /// scikit-learn's `_approximate_mode`: `draws` spread over classes in proportion to
    /// `counts`, floored, the rest given by descending remainder, ties broken by
    /// `rng.choice(tied, size, replace=False)` (a permutation of the tied classes).
    static func approximateMode(_ counts: [Int], draws: Int, rng: inout MersenneTwister) -> [Int] {
        let total = Double(counts.reduce(0, +))
        let continuous = counts.map { Double($0) / total * Double(draws) }
        var floored = continuous.map { $0.rounded(.down) }
        var needToAdd = draws - Int(floored.reduce(0, +))
        if needToAdd > 0 {
            let remainder = zip(continuous, floored).map { $0 - $1 }
            for value in Set(remainder).sorted(by: >) {
                let tied = remainder.indices.filter { remainder[$0] == value }
                let addNow = min(tied.count, needToAdd)
                for i in rng.permutation(tied.count).prefix(addNow) { floored[tied[i]] += 1 }
                needToAdd -= addNow
                if needToAdd == 0 { break }
            }
        }
        return floored.map { Int($0) }
    }
}

extension TrainTestSplit {
    /// Numbers the classes of a target column for stratification, in the order `method` sorts
    /// them: Sluice's by label text; scikit-learn's as `np.unique` does (numbers by value, text by
    /// code point), which decides the order of its random draws.
    public static func classIndices(_ column: DataFrame.Column, method: SplitMethod) -> [Int] {
        switch (method, column.storage) {
        case (.sklearn, .numeric(let values)):
            let classes = Array(Set(values)).sorted()
            let index = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
            return values.map { index[$0]! }
        case (.sklearn, .string(let values)):
            let text = values.map { $0 ?? "" }
            let classes = Array(Set(text)).sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
            let index = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
            return text.map { index[$0]! }
        case (.sluice, _):
            let text = Trainer.labelsText(column)
            let classes = Array(Set(text)).sorted()
            let index = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
            return text.map { index[$0]! }
        }
    }
}
