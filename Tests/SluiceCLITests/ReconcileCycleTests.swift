import Foundation
import Testing
import SluiceCore

/// The reconcile semantics of DESIGN §2, through the real binary on a real SQLite store.
@Suite struct ReconcileCycleTests {
    @Test func applyPublishesIrisAndASecondApplyChangesNothing() throws {
        let s = try Sandbox()
        let first = try s.run("apply")
        #expect(first.status == 0, "\(first.output)")
        #expect(first.stdout.contains("+ train"))
        #expect(s.exists("deploy/iris/model.json"))
        #expect(s.exists("deploy/iris/metadata.json"))
        #expect(s.exists(".sluice/state.db"))
        let model = try s.bytes("deploy/iris/model.json")

        let second = try s.run("apply")
        #expect(second.status == 0, "\(second.output)")
        #expect(second.stdout.contains("No changes"))
        #expect(try s.trainings("iris") == 1)
        #expect(try s.bytes("deploy/iris/model.json") == model)

        let plan = try s.run("plan", "--detailed-exitcode")
        #expect(plan.status == 0, "\(plan.output)")

        let predicted = try s.run("predict", "iris", stdin: "sepal_length,sepal_width,petal_length,petal_width\n5.1,3.5,1.4,0.2\n6.7,3.0,5.2,2.3\n")
        #expect(predicted.status == 0, "\(predicted.output)")
        let lines = predicted.stdout.split(separator: "\n")
        #expect(lines.first == "prediction,p_setosa,p_versicolor,p_virginica")
        #expect(lines.dropFirst().first?.hasPrefix("setosa,") == true)
        #expect(lines.dropFirst(2).first?.hasPrefix("virginica,") == true)
    }

    @Test func planShowsChangesWithDetailedExitCode() throws {
        let s = try Sandbox()
        let plan = try s.run("plan", "--detailed-exitcode")
        #expect(plan.status == 2, "\(plan.output)")
        let json = try JSONParser.parse(try s.run("plan", "--json").stdout).value
        #expect(json["changes"] == .bool(true))
        #expect(json["summary"]?["train"] == 1)
        #expect(json["models"]?.arrayValue?.first?["actions"]?.arrayValue?.map { $0["kind"]!.stringValue! } == ["train", "evaluate", "publish"])
    }

    @Test func gateOnlyChangeEvaluatesWithoutTraining() throws {
        let s = try Sandbox()
        #expect(try s.run("apply").status == 0)
        try s.edit("manifests/iris.json") { $0.set("spec.gate", ["accuracy": ["min": 0.85], "f1_macro": ["min": 0.8]]) }
        let plan = try JSONParser.parse(try s.run("plan", "--json").stdout).value
        #expect(plan["summary"]?["train"] == 0)
        #expect(plan["summary"]?["evaluate"] == 1)
        let apply = try s.run("apply")
        #expect(apply.status == 0, "\(apply.output)")
        #expect(try s.trainings("iris") == 1)
        #expect(try s.run("plan", "--detailed-exitcode").status == 0)
    }

    @Test func deployOnlyChangeRepublishesWithoutTraining() throws {
        let s = try Sandbox()
        #expect(try s.run("apply").status == 0)
        let model = try s.bytes("deploy/iris/model.json")
        try s.edit("manifests/iris.json") { $0.set("spec.deploy.path", "deploy/iris-v2") }
        let apply = try s.run("apply")
        #expect(apply.status == 0, "\(apply.output)")
        #expect(try s.trainings("iris") == 1)
        #expect(try s.bytes("deploy/iris-v2/model.json") == model)
        #expect(!s.exists("deploy/iris/model.json"), "the old target is cleaned up")
        #expect(try s.run("plan", "--detailed-exitcode").status == 0)
    }

    @Test func revertedAlgorithmChangeRepublishesTheEarlierVersionWithoutTraining() throws {
        let s = try Sandbox()
        #expect(try s.run("apply").status == 0)
        let original = try s.bytes("deploy/iris/model.json")
        let manifest = try s.read("manifests/iris.json")
        try s.edit("manifests/iris.json") {
            $0.set("spec.algorithm", ["name": "logistic_regression", "params": ["C": 1.0]])
            $0.set("spec.gate", ["accuracy": ["min": 0.9]])
        }
        let change = try s.run("apply")
        #expect(change.status == 0, "\(change.output)")
        #expect(try s.trainings("iris") == 2)
        #expect(try s.bytes("deploy/iris/model.json") != original)

        try s.write("manifests/iris.json", manifest)
        let plan = try JSONParser.parse(try s.run("plan", "--json").stdout).value
        #expect(plan["summary"]?["train"] == 0)
        #expect(plan["summary"]?["publish"] == 1)
        let revert = try s.run("apply")
        #expect(revert.status == 0, "\(revert.output)")
        #expect(try s.trainings("iris") == 2, "a revert must not retrain")
        #expect(try s.bytes("deploy/iris/model.json") == original)
    }

    @Test func impossibleGateKeepsTheChampionAndExitsThree() throws {
        let s = try Sandbox()
        #expect(try s.run("apply").status == 0)
        let model = try s.bytes("deploy/iris/model.json")
        let metadata = try s.bytes("deploy/iris/metadata.json")
        try s.edit("manifests/iris.json") {
            $0.set("spec.algorithm.params.nEstimators", 10)
            $0.set("spec.dataset.split", ["testFraction": 0.3, "seed": 42])  // Sluice's own split: accuracy 0.9333
            $0.set("spec.gate", ["accuracy": ["min": 0.999]])
        }
        let apply = try s.run("apply")
        #expect(apply.status == 3, "\(apply.output)")
        #expect(apply.stdout.contains("min 0.999"))
        #expect(try s.bytes("deploy/iris/model.json") == model, "the champion's files are untouched")
        #expect(try s.bytes("deploy/iris/metadata.json") == metadata)
        #expect(try s.trainings("iris") == 2)

        let again = try s.run("apply")
        #expect(again.status == 3, "the rejection stands: \(again.output)")
        #expect(try s.trainings("iris") == 2, "a rejected candidate is not retrained")

        let gate = try s.run("gate", "--report", "report.md", "--junit", "junit.xml")
        #expect(gate.status == 3, "\(gate.output)")
        let report = try s.read("report.md")
        #expect(report.contains("accuracy"))
        #expect(report.contains("0.9990"), "the threshold")
        #expect(report.contains("❌"))
        let junit = try s.read("junit.xml")
        #expect(junit.contains("<failure message=\"accuracy"))
        #expect(junit.contains("min 0.999"))
        #expect(try s.bytes("deploy/iris/model.json") == model, "gate publishes nothing")
    }

    @Test func removingAManifestRetiresItsModelAndKeepsHistory() throws {
        let s = try Sandbox()
        try s.write("manifests/tree.json", s.manifest(name: "tree"))
        #expect(try s.run("apply").status == 0)
        #expect(s.exists("deploy/tree/model.json"))
        try s.remove("manifests/tree.json")
        let apply = try s.run("apply")
        #expect(apply.status == 0, "\(apply.output)")
        #expect(apply.stdout.contains("- retire"))
        #expect(!s.exists("deploy/tree/model.json"))
        #expect(!s.exists("deploy/tree/metadata.json"))
        #expect(s.exists("deploy/iris/model.json"))
        let history = try s.history("tree")
        #expect(history["versions"]?.arrayValue?.count == 1)
        #expect(history["publications"]?.arrayValue?.first?["retiredAt"] != .null)
    }

    @Test func nothingIsRetiredWhileAnotherManifestIsInvalid() throws {
        let s = try Sandbox()
        try s.write("manifests/tree.json", s.manifest(name: "tree"))
        #expect(try s.run("apply").status == 0)
        try s.remove("manifests/tree.json")
        try s.write("manifests/broken.json", "{ \"apiVersion\": ")
        let apply = try s.run("apply")
        #expect(apply.status == 1, "\(apply.output)")
        #expect(apply.stdout.contains("not retiring tree"))
        #expect(s.exists("deploy/tree/model.json"))
        #expect(s.exists("deploy/iris/model.json"))
    }

    @Test func emptyingTheManifestsRetiresNothingWithoutAllowEmpty() throws {
        let s = try Sandbox()
        #expect(try s.run("apply").status == 0)
        try s.remove("manifests/iris.json")
        let apply = try s.run("apply")
        #expect(apply.status == 1, "an empty manifests directory is an error: \(apply.output)")
        #expect(apply.stdout.contains("holds no manifest (*.json) file"), "\(apply.output)")
        #expect(apply.stdout.contains("--allow-empty"))
        #expect(apply.stdout.contains("1 blocked"), "\(apply.output)")
        #expect(!apply.stdout.contains("The models match their manifests"), "\(apply.output)")
        #expect(s.exists("deploy/iris/model.json"))
        #expect(try s.run("plan", "--detailed-exitcode").status == 1, "plan agrees with apply")
        let allowed = try s.run("apply", "--allow-empty")
        #expect(allowed.status == 0, "\(allowed.output)")
        #expect(!s.exists("deploy/iris/model.json"))
    }

    /// D21 with manifests left (one suspended): every published model's manifest is gone, so
    /// retiring them is withheld; apply and plan both exit 1 and say why, `--json` too.
    @Test func aWithheldRetirementExitsOneInApplyAndPlan() throws {
        let s = try Sandbox()
        try s.write("manifests/tree.json", s.manifest(name: "tree"))
        #expect(try s.run("apply").status == 0)
        try s.remove("manifests/iris.json")
        try s.edit("manifests/tree.json") { $0.set("metadata.name", "other"); $0.set("spec.suspend", true); $0.set("spec.deploy.path", "deploy/other") }
        let plan = try s.run("plan", "--detailed-exitcode")
        #expect(plan.status == 1, "\(plan.output)")
        #expect(plan.stdout.contains("not retiring iris, tree"), "\(plan.output)")
        let apply = try s.run("apply", "--json")
        #expect(apply.status == 1, "\(apply.output)")
        let report = try JSONParser.parse(apply.stdout).value
        #expect(report["exitCode"] == 1)
        #expect(report["models"]?.arrayValue?.filter { $0["condition"] == "blocked" }.count == 2)
        #expect(s.exists("deploy/iris/model.json") && s.exists("deploy/tree/model.json"))
    }

    @Test func sameManifestAndDataGiveByteIdenticalArtifactsInFreshStores() throws {
        let a = try Sandbox(), b = try Sandbox()
        #expect(try a.run("apply").status == 0)
        #expect(try b.run("apply", "--store", "sqlite:elsewhere/other.db").status == 0)
        #expect(try a.bytes("deploy/iris/model.json") == b.bytes("deploy/iris/model.json"))
    }

    @Test func deletedModelFileIsRepublished() throws {
        let s = try Sandbox()
        #expect(try s.run("apply").status == 0)
        let model = try s.bytes("deploy/iris/model.json")
        try s.remove("deploy/iris/model.json")
        let plan = try s.run("plan")
        #expect(plan.stdout.contains("target drifted"), "\(plan.output)")
        #expect(try s.run("apply").status == 0)
        #expect(try s.bytes("deploy/iris/model.json") == model)
        #expect(try s.trainings("iris") == 1)
    }

    @Test func suspendedModelIsLeftAlone() throws {
        let s = try Sandbox()
        try s.edit("manifests/iris.json") { $0.set("spec.suspend", true) }
        let apply = try s.run("apply")
        #expect(apply.status == 0, "\(apply.output)")
        #expect(!s.exists("deploy/iris/model.json"))
        #expect(apply.stdout.contains("suspended"))
    }

    @Test func retiredFlagUnpublishesAndKeepsHistory() throws {
        let s = try Sandbox()
        #expect(try s.run("apply").status == 0)
        try s.edit("manifests/iris.json") { $0.set("spec.retired", true) }
        #expect(try s.run("apply").status == 0)
        #expect(!s.exists("deploy/iris/model.json"))
        #expect(try s.trainings("iris") == 1)
        #expect(try s.run("plan", "--detailed-exitcode").status == 0)
    }
}
