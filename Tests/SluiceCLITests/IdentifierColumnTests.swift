import Foundation
import Testing
import SluiceCore

/// Columns unique per row (ids, names) that silently become features are pointed out.
@Suite struct IdentifierColumnTests {
    static func people(_ s: Sandbox, features: JSON? = nil) throws {
        var rows = ["id,name,height,species"]
        for i in 1...40 { rows.append("\(i),person \(i * 7 % 41),\(i % 2 == 0 ? 150 + i : 180 + i),\(i % 2 == 0 ? "short" : "tall")") }
        try s.write("data/people.csv", rows.joined(separator: "\n") + "\n")
        var m = try JSONParser.parse(s.manifest(name: "people", source: "data/people.csv")).value
        if let features { m.set("spec.dataset.features", features) }
        try s.write("manifests/people.json", m.canonical(pretty: true))
    }

    @Test func validateAndPlanWarnAboutIdentifierLikeColumns() throws {
        let s = try Sandbox()
        try Self.people(s)
        let validate = try s.run("validate")
        #expect(validate.status == 0, "a warning is not an error:\n\(validate.output)")
        for text in ["manifests/people.json: people: column \"id\" of data/people.csv holds the whole numbers 1…40, one per row",
                     "column \"name\" of data/people.csv holds a different text on every row",
                     "List the feature columns in spec.dataset.features, without \"id\""] {
            #expect(validate.stdout.contains(text), "validate should say \"\(text)\":\n\(validate.stdout)")
        }
        #expect(!validate.stdout.contains("column \"height\""), "\(validate.stdout)")
        #expect(!validate.stdout.contains("column \"species\""), "the target is not a feature")

        let plan = try s.run("plan")
        #expect(plan.stdout.contains("Warning: manifests/people.json: people: column \"id\""), "\(plan.stdout)")
        let json = try JSONParser.parse(try s.run("plan", "--json").stdout).value
        #expect(json["warnings"]?.arrayValue?.count == 2)
    }

    @Test func listedFeaturesAreTheUsersChoice() throws {
        let s = try Sandbox()
        try Self.people(s, features: ["height"])
        let validate = try s.run("validate")
        #expect(validate.status == 0)
        #expect(!validate.stdout.contains("Warning"), "\(validate.stdout)")
        #expect(!(try s.run("plan")).stdout.contains("Warning"))
    }
}
