import Foundation
import Testing
import SluiceCore

/// What `plan` says before and what the store records after: each in its own tense, each once.
@Suite struct PlanOutputTests {
    @Test func aChangedParameterIsNamedAndThePublicationRecordsWhatHappened() throws {
        let s = try Sandbox()
        #expect(try s.run("apply").status == 0)
        let first = try #require(try s.history("iris")["versions"]?.arrayValue?.first?["version"]?.stringValue)
        try s.edit("manifests/iris.json") { $0.set("spec.algorithm.params.nEstimators", 37) }

        let plan = try s.run("plan")
        #expect(plan.stdout.contains("algorithm changed: nEstimators 100 → 37"), "\(plan.stdout)")
        #expect(plan.stdout.contains("(if the gate passes): replaces \(first.prefix(12))"), "\(plan.stdout)")
        #expect(plan.stdout.components(separatedBy: "gate passes").count == 2, "the condition is said once:\n\(plan.stdout)")

        #expect(try s.run("apply").status == 0)
        let history = try s.history("iris")
        let publications = history["publications"]?.arrayValue ?? []
        #expect(publications.count == 2)
        let reason = publications.last?["reason"]?.stringValue ?? ""
        #expect(reason.hasPrefix("gate passed ("), "\(reason)")
        #expect(reason.hasSuffix("; replaced \(first.prefix(12))"), "\(reason)")
        let events = (history["events"]?.arrayValue ?? []).compactMap { $0["message"]?.stringValue }
        #expect(!events.contains { $0.contains("if the gate passes") || $0.contains("replace ") }, "\(events)")
        #expect(events.contains { $0.contains("gate passed (") && $0.contains("replaced \(first.prefix(12))") }, "\(events)")
    }

    @Test func aRollbackSaysThatMaxRegressionIsNotCheckedAgain() throws {
        let s = try Sandbox()
        #expect(try s.run("apply").status == 0)
        let original = try s.read("manifests/iris.json")
        try s.edit("manifests/iris.json") { $0.set("spec.algorithm.params.nEstimators", 37) }
        #expect(try s.run("apply").status == 0)
        let champion = try #require(try s.history("iris")["publications"]?.arrayValue?.last?["version"]?.stringValue)
        try s.write("manifests/iris.json", original)

        let plan = try s.run("plan")
        #expect(plan.stdout.contains("replaces \(champion.prefix(12)) with version"), "\(plan.stdout)")
        #expect(plan.stdout.contains("maxRegression is not checked against \(champion.prefix(12))"), "\(plan.stdout)")
        #expect(!plan.stdout.contains("+ train"), "\(plan.stdout)")
    }
}
