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

    /// `plan --json` names each action's cause with a stable token next to the sentence, and each
    /// quiet model's condition with one; an invalid manifest makes `plan` and `apply` exit 1.
    @Test func planJSONCarriesReasonTokensAndAnInvalidManifestExitsOne() throws {
        let s = try Sandbox()
        func plan() throws -> JSON {
            let r = try s.run("plan", "--json")
            return try JSONParser.parse(r.stdout).value
        }
        func tokens(_ plan: JSON) -> [String] {
            (plan["models"]?.arrayValue?.first?["actions"]?.arrayValue ?? []).map { "\($0["kind"]?.stringValue ?? "?") \($0["reasonToken"]?.stringValue ?? "none")" }
        }
        let first = try plan()
        #expect(tokens(first) == ["train FirstVersion", "evaluate NewVersion", "publish FirstVersion"], "\(first)")
        #expect(first["models"]?.arrayValue?.first?["actions"]?.arrayValue?.first?["reason"] == "no version trained yet", "\(first)")
        #expect(first["models"]?.arrayValue?.first?["conditionReason"] == .null, "\(first)")

        #expect(try s.run("apply").status == 0)
        let converged = try plan()
        #expect(tokens(converged).isEmpty, "\(converged)")
        #expect(converged["models"]?.arrayValue?.first?["conditionReason"] == "UpToDate", "\(converged)")

        let data = try s.read("examples/data/iris.csv")
        try s.write("examples/data/iris.csv", data.split(separator: "\n").dropLast().joined(separator: "\n") + "\n")
        let changed = try plan()
        #expect(tokens(changed) == ["train DataChanged", "evaluate NewVersion", "publish ReplacesChampion"], "\(changed)")
        let reason = changed["models"]?.arrayValue?.first?["actions"]?.arrayValue?.first?["reason"]?.stringValue ?? ""
        #expect(reason.hasPrefix("data changed (sha256 "), "\(reason)")

        // An invalid manifest beside a converged model: both commands exit 1; `plan` lists it under
        // `errors` only, `apply` under `warnings`.
        try s.write("examples/data/iris.csv", data)
        try s.write("manifests/broken.json", "{\"apiVersion\": ")
        let invalid = try s.run("plan", "--json")
        #expect(invalid.status == 1, "\(invalid.output)")
        let invalidPlan = try JSONParser.parse(invalid.stdout).value
        #expect(invalidPlan["errors"]?.arrayValue?.first?["file"]?.stringValue?.hasSuffix("broken.json") == true, "\(invalid.stdout)")
        #expect(invalidPlan["warnings"] == .array([]), "\(invalid.stdout)")
        let applied = try s.run("apply", "--json")
        #expect(applied.status == 1, "\(applied.output)")
        let report = try JSONParser.parse(applied.stdout).value
        #expect(report["exitCode"] == 1, "\(applied.stdout)")
        #expect(report["models"]?.arrayValue?.first?["condition"] == "ready", "\(applied.stdout)")
        #expect(report["warnings"]?.arrayValue?.first?.stringValue?.hasPrefix("invalid manifest: ") == true, "\(applied.stdout)")
    }
}
