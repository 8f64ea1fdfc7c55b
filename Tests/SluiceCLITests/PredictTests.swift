import Foundation
import Testing
import SluiceCore

/// `sluice predict`: input columns are checked against the model's features.
@Suite struct PredictTests {
    @Test func allowMissingImputesWithAWarningThatCountsWhatWasImputed() throws {
        let s = try Sandbox()
        #expect(try s.run("apply").status == 0)
        let input = "sepal_length,sepal_width,petal_len,petal_width\n5.1,3.5,1.4,0.2\n6.7,3.0,5.2,2.3\n"
        let refused = try s.run("predict", "iris", stdin: input)
        #expect(refused.status == 1, "\(refused.output)")
        #expect(refused.stdout.isEmpty, "no prediction is printed: \(refused.stdout)")

        let r = try s.run(["predict", "iris", "--allow-missing"], stdin: input)
        #expect(r.status == 0, "\(r.output)")
        #expect(r.stderr.contains("warning: standard input: 1 unknown column(s) ignored (petal_len); 1 feature(s) missing, 2 value(s) imputed in 2 row(s) (petal_length)"), "\(r.stderr)")
        #expect(r.stdout.split(separator: "\n").count == 3, "\(r.stdout)")
    }

    @Test func emptyCellsInAKnownColumnAreMissingValuesNotMissingColumns() throws {
        let s = try Sandbox()
        #expect(try s.run("apply").status == 0)
        let r = try s.run(["predict", "iris"], stdin: "sepal_length,sepal_width,petal_length,petal_width\n5.1,,1.4,NA\n")
        #expect(r.status == 0, "\(r.output)")
        #expect(r.stderr.isEmpty, "\(r.stderr)")
    }
}
