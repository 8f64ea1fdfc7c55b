/// Called during training with the fraction done, in 0...1; returns `false` to cancel the
/// training, which then stops at its next checkpoint (a tree, a boosting iteration).
public typealias TrainingProgress = @Sendable (Double) -> Bool
