/// What a model learns to predict: classes or quantities.
public enum LearningTask: String, Sendable, CaseIterable, Codable {
    case classification, regression
}
