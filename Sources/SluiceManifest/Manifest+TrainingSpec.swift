import SluiceLearn

extension Manifest {
    /// The training spec this manifest describes.
    public var trainingSpec: TrainingSpec {
        TrainingSpec(task: task, target: dataset.target, features: dataset.features,
                     algorithm: AlgorithmCatalog.algorithm(named: algorithm)!, params: params, split: dataset.split,
                     gateMetrics: gate.map(\.metric))
    }
}
