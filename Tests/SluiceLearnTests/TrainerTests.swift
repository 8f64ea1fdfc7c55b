import Testing
import SluiceCore
@testable import SluiceLearn

@Suite struct TrainerTests {
    @Test(arguments: ["decision_tree", "random_forest", "logistic_regression"])
    func irisIsLearnedWell(algorithm: String) throws {
        let frame = try Fixtures.csv("examples/data/iris.csv")
        let outcome = try Fixtures.train(Fixtures.spec(algorithm), frame)
        #expect(outcome.evaluation.rows == 45)
        #expect(outcome.trainRows == 105)
        #expect(outcome.evaluation.metrics["accuracy"]! >= 0.88, "accuracy \(outcome.evaluation.metrics)")
        #expect(outcome.artifact.target.classes == ["setosa", "versicolor", "virginica"])
    }
}
