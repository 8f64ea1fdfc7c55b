import Foundation
import Testing
import SluiceCore

/// D10: a directory target is observed by both of its files. An edited, emptied or foreign
/// `metadata.json` makes `sluice serve` drop or misname the model, so it is drift: `plan` says
/// so and `apply` writes it again, without training.
@Suite struct MetadataDriftTests {
    @Test(arguments: [
        ("emptied", "", "it is not a JSON object"),
        ("an array", "[]", "it is not a JSON object"),
        ("another name", "model", "model is \"hijacked\""),
        ("a wrong digest", "artifact.sha256", "artifact.sha256 is \"000000000000"),
        ("another version", "version", "version is \"0123\""),
    ])
    func anEditedMetadataFileIsDriftAndIsRepaired(_ label: String, _ edit: String, _ expected: String) throws {
        let s = try Sandbox()
        #expect(try s.run("apply").status == 0)
        let original = try #require(s.metadata("deploy/iris"))
        switch edit {
        case "", "[]":
            try s.write("deploy/iris/metadata.json", edit)
        default:
            var meta = try #require(s.metadata("deploy/iris"))
            meta.set(edit, .string(edit == "model" ? "hijacked" : edit == "version" ? "0123" : String(repeating: "0", count: 64)))
            try s.write("deploy/iris/metadata.json", meta.canonical(pretty: true))
        }

        let plan = try s.run("plan", "--detailed-exitcode")
        #expect(plan.status == 2, "\(label): \(plan.output)")
        #expect(plan.stdout.contains("target drifted: deploy/iris/metadata.json was changed: \(expected)"), "\(label): \(plan.output)")

        let apply = try s.run("apply")
        #expect(apply.status == 0, "\(label): \(apply.output)")
        let repaired = try #require(s.metadata("deploy/iris"), "\(label)")
        for field in ["model", "version", "artifact", "metrics"] {
            #expect(repaired[field] == original[field], "\(label): the published metadata is written again (\(field))")
        }
        #expect(try s.trainings("iris") == 1, "\(label): repaired without training")
        #expect(try s.run("plan", "--detailed-exitcode").status == 0)
    }

    @Test func aMissingMetadataFileIsDriftAndIsRepaired() throws {
        let s = try Sandbox()
        #expect(try s.run("apply").status == 0)
        try s.remove("deploy/iris/metadata.json")
        let plan = try s.run("plan", "--detailed-exitcode")
        #expect(plan.status == 2, "\(plan.output)")
        #expect(plan.stdout.contains("deploy/iris/metadata.json is missing"), "\(plan.output)")
        #expect(try s.run("apply").status == 0)
        #expect(s.exists("deploy/iris/metadata.json"))
    }
}
