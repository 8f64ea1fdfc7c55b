/// k-nearest neighbours, as scikit-learn's `KNeighborsClassifier` / `Regressor` with the
/// Euclidean metric: fitting stores the (standardised) training rows; predicting finds the `k`
/// closest by brute force, vectorised — squared distances `‖t‖² − 2 q·t`, a block of queries ×
/// training rows at a time in registers, by a C kernel built for AVX-512, AVX2 or the portable
/// target and chosen at run time (the same bits from each) — and on all cores for batches. In 20 or more dimensions space-partitioning trees prune little, which is
/// why scikit-learn picks brute force there too.
///
/// The fields are the manifest's parameters (their defaults are ``AlgorithmCatalog``'s).
public struct NeighborsEstimator: Estimator {
    public enum Weighting: String, Sendable, CaseIterable { case uniform, distance }
    public var nNeighbors: Int
    public var weights: Weighting

    public init(nNeighbors: Int, weights: Weighting) {
        self.nNeighbors = nNeighbors
        self.weights = weights
    }

    public func fit(_ x: Matrix, classes y: [Int], count: Int) -> NeighborsModel {
        NeighborsModel(x: x, labels: y, values: [], classes: count, k: min(nNeighbors, x.rows), weighting: weights)
    }

    public func fit(_ x: Matrix, values y: [Double]) -> NeighborsModel {
        NeighborsModel(x: x, labels: [], values: y, classes: 0, k: min(nNeighbors, x.rows), weighting: weights)
    }

    func fit(_ rows: Trainer.Prepared, progress: TrainingProgress?) -> ModelArtifact.Fitted {
        .neighbors(rows.task == .classification ? fit(rows.x, classes: rows.y, count: rows.target.classes.count) : fit(rows.x, values: rows.values))
    }
}
