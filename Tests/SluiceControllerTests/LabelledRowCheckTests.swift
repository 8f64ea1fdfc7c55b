import Testing
import SluiceCore
import SluiceMonitor
import SluiceReconcile
@testable import SluiceController

/// Which labelled rows a feedback snapshot may hold (``LabelledRowCheck``), table-driven.
@Suite struct LabelledRowCheckTests {
    /// A profile with a numeric feature `x` and a text feature `colour`; a classifier of `classes`,
    /// or a regressor when there are none.
    static func profile(classes: [String]) -> ReferenceProfile {
        var prediction = Histogram(bins: classes.isEmpty ? .numeric(fitting: [0, 1, 2]) : .categorical(categories: classes))
        if classes.isEmpty { prediction.add(1.0) } else { prediction.add(classes[0]) }
        return ReferenceProfile(features: [.numeric(name: "x", values: [0, 1, 2]), .categorical(name: "colour", values: ["red", "blue"])],
                                prediction: prediction, calibration: nil, testMetrics: [:], trainingRows: 3, testRows: 1)
    }

    static func row(x: JSON = .number(1), colour: JSON = .string("red"), truth: JSON) -> FeedbackSnapshot.Labelled {
        FeedbackSnapshot.Labelled(id: "r", row: 0, time: 1, features: ["x": x, "colour": colour], truth: truth)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var classes: [String]
        var row: FeedbackSnapshot.Labelled
        /// What the reason for leaving it out says; `nil`: kept.
        var leftOut: String?
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "a class label is kept", classes: ["no", "yes"], row: row(truth: .string("yes"))),
        Case(name: "a misspelt class label is left out", classes: ["no", "yes"], row: row(truth: .string("Yes")),
             leftOut: #"truth "Yes" is not a class of the model (no, yes)"#),
        Case(name: "a number is a numeric class as its JSON text", classes: ["0", "1"], row: row(truth: .number(1.0))),
        Case(name: "a number that is no class is left out", classes: ["0", "1"], row: row(truth: .number(2)),
             leftOut: "truth 2 is not a class of the model (0, 1)"),
        Case(name: "a row without truth is not counted (the snapshot leaves it out)", classes: ["no", "yes"], row: row(truth: .null)),
        Case(name: "a missing cell as truth is not counted either", classes: [], row: row(truth: .string("NA"))),
        Case(name: "a regressor's number is kept", classes: [], row: row(truth: .number(2.5))),
        Case(name: "a regressor's text truth is left out", classes: [], row: row(truth: .string("high")),
             leftOut: #"truth "high" is not a number, and the model is a regressor"#),
        Case(name: "text in a numeric feature is left out", classes: ["no", "yes"], row: row(x: .string("five"), truth: .string("no")),
             leftOut: #"x is "five", but the feature is numeric"#),
        Case(name: "a missing numeric feature is kept (imputed)", classes: ["no", "yes"], row: row(x: .null, truth: .string("no"))),
        Case(name: "a number as text in a numeric feature is kept", classes: ["no", "yes"], row: row(x: .string("1.5"), truth: .string("no"))),
        Case(name: "any text in a text feature is kept", classes: ["no", "yes"], row: row(colour: .string("mauve"), truth: .string("no"))),
        Case(name: "text well below the row log's cut is kept", classes: ["no", "yes"],
             row: row(colour: .string(String(repeating: "z", count: 1_020)), truth: .string("no"))),
        Case(name: "text as long as the row log keeps is left out (it may have been cut)", classes: ["no", "yes"],
             row: row(colour: .string(String(repeating: "z", count: 1_024)), truth: .string("no")),
             leftOut: "colour has 1024 bytes of text, which the server's row log may have cut (it keeps 1024); a retrain would learn a value never served"),
        Case(name: "text cut before a character of several bytes is left out", classes: ["no", "yes"],
             row: row(colour: .string(String(repeating: "é", count: 511)), truth: .string("no")),
             leftOut: "colour has 1022 bytes of text, which the server's row log may have cut (it keeps 1024); a retrain would learn a value never served"),
    ]

    @Test(arguments: cases)
    func aRowIsKeptOrLeftOutWithTheReason(_ c: Case) {
        let outcome = LabelledRowCheck.check([c.row], profile: Self.profile(classes: c.classes))
        if let reason = c.leftOut {
            #expect(outcome.kept.isEmpty)
            #expect(outcome.leftOut == 1)
            #expect(outcome.example == #"request id "r", row 0: "# + reason, "\(outcome.example ?? "nil")")
            #expect(outcome.summary.hasPrefix("; 1 labelled row left out (the first: "))
        } else {
            #expect(outcome.kept == [c.row])
            #expect(outcome == LabelledRowCheck.Outcome(kept: [c.row], leftOut: 0, example: nil))
            #expect(outcome.summary.isEmpty)
        }
    }

    @Test func theFirstReasonAndTheCountAreKept() {
        let rows = [Self.row(truth: .string("maybe")), Self.row(truth: .string("yes")), Self.row(x: .bool(true), truth: .string("no"))]
        let outcome = LabelledRowCheck.check(rows, profile: Self.profile(classes: ["no", "yes"]))
        #expect(outcome.kept == [rows[1]])
        #expect(outcome.summary == #"; 2 labelled rows left out (the first: request id "r", row 0: truth "maybe" is not a class of the model (no, yes))"#)
    }
}
