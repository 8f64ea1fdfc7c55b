/// Non-finite numbers in models and predictions.
///
/// Every number in an artifact is finite (JSON has no NaN or infinity), but arithmetic on finite
/// values can still overflow: a training column of ±1e308 gives infinite means and squared
/// norms, and an inference value of 1e308 gives infinite scores and NaN probabilities. The engine
/// never traps on them and never answers with them: training refuses parameters that are not
/// finite, the decoder refuses an artifact whose derived quantities overflow, and every checked
/// prediction path (``ModelArtifact/predict(_:)``, ``ModelArtifact/predict(rows:)``,
/// ``ModelArtifact/checkPrediction(_:row:)``) throws instead of returning NaN.
extension ModelArtifact.Fitted {
    /// The first fitted parameter that is not a finite number (or, for k-nearest neighbours,
    /// whose squared distances would overflow), described for an error message; `nil` when
    /// every parameter is usable.
    public var nonFiniteParameter: String? {
        func trees(_ list: [Tree], _ what: String) -> String? {
            for (i, t) in list.enumerated() {
                if !t.threshold.allSatisfy(\.isFinite) { return "a split threshold of \(what) \(i)" }
                if !t.value.allSatisfy(\.isFinite) { return "a leaf value of \(what) \(i)" }
            }
            return nil
        }
        switch self {
        case .trees(let m):
            // Read from the packed records: building every tree again would hold a second copy of a large forest.
            guard let (i, isThreshold) = m.firstNonFinite() else { return nil }
            return isThreshold ? "a split threshold of tree \(i)" : "a leaf value of tree \(i)"
        case .boosted(let m):
            if !m.baseline.allSatisfy(\.isFinite) { return "the baseline score" }
            return trees(m.trees, "boosting tree")
        case .linear(let m):
            if !m.weights.allSatisfy(\.isFinite) { return "a weight" }
            if !m.intercepts.allSatisfy(\.isFinite) { return "an intercept" }
            return nil
        case .neighbors(let m):
            return m.isFinite ? nil : "the squared distances between training rows"
        case .naiveBayes(let m):
            if !m.priors.allSatisfy(\.isFinite) { return "a class prior" }
            if !m.means.allSatisfy(\.isFinite) { return "a class mean" }
            if !m.variances.allSatisfy({ $0.isFinite && $0 > 0 }) { return "a class variance" }
            return nil
        }
    }
}

extension LearnError {
    /// A prediction that came out as NaN or infinite: the row's values are too large in magnitude
    /// for the model's arithmetic.
    /// - Parameter row: the row's number, counted from 1.
    public static func nonFinitePrediction(row: Int) -> LearnError {
        LearnError("row \(row): the model's arithmetic overflowed on this row (a value too large in magnitude, such as 1e308), so it has no prediction; send values in the range the model was trained on")
    }
}

extension ModelArtifact {
    /// Checks one prediction (class probabilities, or the value) written by
    /// ``predict(_:into:)``.
    /// - Parameter row: the row's number, counted from 1, for the message.
    /// - Throws: ``LearnError/nonFinitePrediction(row:)`` when any value is NaN or infinite.
    @inlinable
    public static func checkPrediction<C: Collection<Double>>(_ prediction: C, row: Int) throws(LearnError) {
        for v in prediction where !v.isFinite { throw LearnError.nonFinitePrediction(row: row) }
    }
}
