import SluiceCore

extension Trainer {
    /// The fewest test rows a split may leave: with fewer, a gate measures noise (one row of
    /// ten moves accuracy by 0.1). A fixed test file (`spec.dataset.test`) is the user's choice
    /// and is not held to it.
    public static let minimumTestRows = 10

    /// Checks the hyperparameters whose valid range depends on the data — scikit-learn's
    /// `n_neighbors <= n_samples_fit` and `0 < max_features <= n_features` — before any fitting,
    /// instead of silently clamping them (a kNN model with more neighbours than rows is a
    /// constant model).
    /// - Parameters:
    ///   - rows: the training rows.
    ///   - features: the feature columns the model sees.
    /// - Throws: ``LearnError`` naming the manifest field, its value and the limit.
    static func checkParameters(_ parameters: HyperParameters, rows: Int, features: Int) throws {
        let p = "spec.algorithm.params"
        if parameters.has("nNeighbors"), case let k = parameters.int("nNeighbors"), k > rows {
            throw LearnError("\(p).nNeighbors is \(k), but the training part of the data has only \(rows) rows; a row cannot have more neighbours than there are rows (with uniform weights every prediction would be the same). Set nNeighbors to at most \(rows), or train on more data")
        }
        guard parameters.has("maxFeatures"), case let value = parameters["maxFeatures"], case .number(let d) = value else { return }
        if let count = value.intValue {
            if count > features {
                throw LearnError("\(p).maxFeatures is \(JSON.format(d)), but the model has only \(features) feature column(s); set it to at most \(features), to a fraction in (0, 1), or to null for all of them")
            }
        } else if Int(d * Double(features)) < 1 {
            throw LearnError("\(p).maxFeatures is \(JSON.format(d)), a fraction that selects no feature of \(features) (\(JSON.format(d)) × \(features) < 1); use at least \(JSON.format(1 / Double(features))) (one feature), an integer count, \"sqrt\" or \"log2\"")
        }
    }

    /// Checks that a split leaves at least ``minimumTestRows`` test rows.
    /// - Throws: ``LearnError`` naming `spec.dataset.split.testFraction` (or `testSize`), the rows it leaves and
    ///   the smallest fraction that would do.
    static func checkTestRows(_ split: SplitSpec, rows: Int, testRows: Int) throws {
        let minimum = minimumTestRows
        guard testRows < minimum else { return }
        let (field, advice): (String, String)
        switch split.testSize {
        case .fraction(let f):
            field = "spec.dataset.split.testFraction \(JSON.format(f))"
            advice = rows > minimum * 2
                ? "raise it to at least \(JSON.format((Double(minimum) / Double(rows) * 1000).rounded(.up) / 1000)) (\(minimum) of \(rows) rows)"
                : "the data has only \(rows) rows; add rows"
        case .count(let n):
            field = "spec.dataset.split.testSize \(n)"
            advice = rows > minimum * 2 ? "raise it to at least \(minimum)" : "the data has only \(rows) rows; add rows"
        }
        throw LearnError("\(field) leaves \(testRows) of \(rows) rows for testing; a gate needs at least \(minimum) test rows to mean anything: \(advice), or give a fixed test file in spec.dataset.test")
    }
}
