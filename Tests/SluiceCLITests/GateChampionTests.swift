import Foundation
import Testing
import SluiceCore

/// `sluice gate` must never turn "no champion found" into a silent pass: a mistyped `--baseline`
/// is an error, `--require-champion` fails a regression rule with nothing to compare, and a
/// candidate that is already in service says so instead of "no champion".
@Suite struct GateChampionTests {
    @Test func requireChampionFailsARegressionRuleWithNoChampion() throws {
        let s = try Sandbox()
        try FileManager.default.createDirectory(at: s.url("baseline"), withIntermediateDirectories: true)
        let lenient = try s.run("gate", "--baseline", "baseline")
        #expect(lenient.status == 0, "\(lenient.output)")
        #expect(lenient.stdout.contains("no champion"), "\(lenient.output)")

        let r = try s.run("gate", "--baseline", "baseline", "--require-champion", "--report", "gate.md")
        #expect(r.status == 3, "\(r.output)")
        #expect(r.stdout.contains("failed: accuracy maxRegression cannot be checked and --require-champion is given: no champion to compare with (looked in baseline/iris, the store, deploy/iris)"), "\(r.output)")
        #expect(try s.read("gate.md").contains("❌ **fail**"))
        #expect(!s.exists("deploy/iris"), "gate publishes nothing")
    }

    @Test func requireChampionPassesWhenTheBaselineHoldsTheChampion() throws {
        let s = try Sandbox()
        #expect(try s.run("apply").status == 0)
        try FileManager.default.createDirectory(at: s.url("baseline"), withIntermediateDirectories: true)
        try FileManager.default.moveItem(at: s.url("deploy/iris"), to: s.url("baseline/iris"))
        let r = try s.run("gate", "--baseline", "baseline", "--require-champion", "--store", "sqlite:runner/state.db")
        #expect(r.status == 0, "\(r.output)")
    }

    @Test func aCandidateInServiceIsNotApplicableEverywhereNotNoChampion() throws {
        let s = try Sandbox()
        #expect(try s.run("apply").status == 0)
        let text = try s.run("gate", "--require-champion", "--report", "gate.md", "--html", "gate.html")
        #expect(text.status == 0, "\(text.output)")
        #expect(text.stdout.contains("the candidate is the version in service (store)"), "\(text.output)")
        #expect(text.stdout.contains("not applicable: accuracy maxRegression not applicable: the candidate is the version in service"), "\(text.output)")
        for document in [text.stdout, try s.read("gate.md"), try s.read("gate.html")] {
            #expect(!document.contains("no champion"), "\(document)")
            #expect(!document.contains("maxRegression skipped") && !document.contains("⏭️ skipped"), "\(document)")
        }
        #expect(try s.read("gate.md").contains("➖ not applicable"))
        #expect(try s.read("gate.html").contains("<td>not applicable</td>"))
        let json = try JSONParser.parse(try s.run("gate", "--json").stdout).value
        let rule = json["models"]?.arrayValue?.first?["rules"]?.arrayValue?.first { $0["threshold"] == "maxRegression" }
        #expect(rule?["status"] == "not_applicable")
        #expect(json["models"]?.arrayValue?.first?["candidateInService"] == true)
    }
}
