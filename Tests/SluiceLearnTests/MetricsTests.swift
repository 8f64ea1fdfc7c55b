import Testing
@testable import SluiceLearn

@Suite struct MetricsTests {
    @Test func classificationMetricsMatchHandComputedValues() throws {
        // truth: 0 0 1 1 2; predicted: 0 1 1 1 0
        let m = try ClassificationMetrics.all(truth: [0, 0, 1, 1, 2], predicted: [0, 1, 1, 1, 0],
                                              probabilities: Array(repeating: [0.5, 0.25, 0.25], count: 5), classes: 3)
        #expect(m["accuracy"] == 0.6)
        // recall: 0.5, 1, 0 → balanced 0.5; precision: 0.5, 2/3, 0
        #expect(abs(m["balanced_accuracy"]! - 0.5) < 1e-12)
        #expect(abs(m["precision_macro"]! - (0.5 + 2.0 / 3.0) / 3) < 1e-12)
        #expect(abs(m["recall_macro"]! - 0.5) < 1e-12)
        #expect(abs(m["f1_macro"]! - (0.5 + 0.8) / 3) < 1e-12)
        #expect(abs(m["log_loss"]! - (-(2 * log(0.5) + 2 * log(0.25) + log(0.25)) / 5)) < 1e-12)
    }

    @Test func rocAUCHandlesTiesAndOneVersusRest() {
        // scikit-learn: roc_auc_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) == 0.75
        #expect(ClassificationMetrics.binaryAUC(positive: [false, false, true, true], scores: [0.1, 0.4, 0.35, 0.8]) == 0.75)
        // Ties count half: roc_auc_score([0, 1], [0.5, 0.5]) == 0.5
        #expect(ClassificationMetrics.binaryAUC(positive: [false, true], scores: [0.5, 0.5]) == 0.5)
        #expect(ClassificationMetrics.binaryAUC(positive: [true, true], scores: [0.1, 0.2]) == nil)
        let perfect = ClassificationMetrics.rocAUC(truth: [0, 1, 2], probabilities: [[1, 0, 0], [0, 1, 0], [0, 0, 1]], classes: 3)
        #expect(perfect == 1)
    }

    @Test func regressionMetricsMatchHandComputedValues() throws {
        let m = try RegressionMetrics.all(truth: [1, 2, 3, 4], predicted: [1, 2, 3, 6])
        #expect(m["mae"] == 0.5)
        #expect(m["rmse"] == 1)
        // r2 = 1 − 4 / 5
        #expect(abs(m["r2"]! - 0.2) < 1e-12)
    }
}

import Foundation
