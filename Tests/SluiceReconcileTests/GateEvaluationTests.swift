import Testing
import SluiceManifest
@testable import SluiceReconcile

@Suite struct GateEvaluationTests {
    @Test func minAndMaxAreAbsoluteBounds() {
        let r = GateReport.evaluate([GateRule(metric: "accuracy", min: 0.9, max: 0.99)], candidate: ["accuracy": 0.95], champion: nil)
        #expect(r.passed)
        let low = GateReport.evaluate([GateRule(metric: "accuracy", min: 0.96)], candidate: ["accuracy": 0.95], champion: nil)
        #expect(!low.passed)
        #expect(low.summary == "accuracy 0.95 < min 0.96")
    }

    @Test func maxRegressionIsSkippedWithoutAChampion() {
        let r = GateReport.evaluate([GateRule(metric: "accuracy", maxRegression: 0.01)], candidate: ["accuracy": 0.5], champion: nil)
        #expect(r.passed)
        #expect(r.outcomes.first?.status == .skipped)
        #expect(r.summary.contains("skipped"))
    }

    @Test func maxRegressionFollowsTheMetricsDirection() {
        let worse = GateReport.evaluate([GateRule(metric: "accuracy", maxRegression: 0.02)], candidate: ["accuracy": 0.90], champion: ["accuracy": 0.95])
        #expect(!worse.passed)
        #expect(worse.outcomes.first?.message.contains("regression 0.05 > maxRegression 0.02") == true)
        let within = GateReport.evaluate([GateRule(metric: "accuracy", maxRegression: 0.02)], candidate: ["accuracy": 0.94], champion: ["accuracy": 0.95])
        #expect(within.passed)
        // log_loss: lower is better, so a higher candidate value is the regression.
        let loss = GateReport.evaluate([GateRule(metric: "log_loss", maxRegression: 0.1)], candidate: ["log_loss": 0.5], champion: ["log_loss": 0.3])
        #expect(!loss.passed)
        let better = GateReport.evaluate([GateRule(metric: "log_loss", maxRegression: 0)], candidate: ["log_loss": 0.2], champion: ["log_loss": 0.3])
        #expect(better.passed)
    }
}
