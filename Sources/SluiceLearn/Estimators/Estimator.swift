/// An estimator configured by its hyperparameters, before fitting: what an ``Algorithm`` of the
/// catalog builds from ``HyperParameters``.
protocol Estimator: Sendable {
    /// Fits prepared training rows (classes for classification, values for regression).
    /// - Parameter progress: called with the fraction done; returning `false` stops the fit,
    ///   which then returns what it had.
    func fit(_ rows: Trainer.Prepared, progress: TrainingProgress?) -> ModelArtifact.Fitted
}
