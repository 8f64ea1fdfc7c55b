import Foundation
import Testing
import SluiceCore

/// `plan --model NAME` and `apply --model NAME`: only the named models are planned and changed.
@Suite struct ModelSelectionTests {
    @Test func applyModelChangesOnlyTheNamedModels() throws {
        let s = try Sandbox()
        try s.write("manifests/tree.json", s.manifest(name: "tree"))
        #expect(try s.run("apply").status == 0)
        let iris = try s.bytes("deploy/iris/model.json")
        try s.edit("manifests/iris.json") { $0.set("spec.algorithm.params.nEstimators", 7) }
        try s.edit("manifests/tree.json") { $0.set("spec.algorithm.params", ["maxDepth": 2]) }

        let plan = try JSONParser.parse(try s.run("plan", "--model", "tree", "--json").stdout).value
        let names = plan["models"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
        #expect(names == ["tree"], "\(plan)")

        let apply = try s.run("apply", "--model", "tree")
        #expect(apply.status == 0, "\(apply.output)")
        #expect(apply.stdout.contains("tree: trained"), "\(apply.output)")
        #expect(!apply.stdout.contains("iris"), "\(apply.output)")
        #expect(try s.bytes("deploy/iris/model.json") == iris, "iris is left as it was")
        #expect(try s.trainings("iris") == 1)
        #expect(try s.trainings("tree") == 2)

        let both = try s.run("plan", "--model", "tree", "--model", "iris", "--detailed-exitcode")
        #expect(both.status == 2, "iris still has its change pending: \(both.output)")
    }
}
