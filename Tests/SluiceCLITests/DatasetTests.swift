import Foundation
import Testing
import SluiceCore

@Suite struct DatasetTests {
    /// Splits iris into a training file and a fixed test file (every third row).
    func writeFixedSplit(_ s: Sandbox) throws {
        let lines = try s.read("examples/data/iris.csv").split(separator: "\n")
        let header = lines[0]
        let rows = Array(lines.dropFirst())
        let test = rows.enumerated().filter { $0.offset % 3 == 0 }.map { String($0.element) }
        let train = rows.enumerated().filter { $0.offset % 3 != 0 }.map { String($0.element) }
        try s.write("data/train.csv", ([String(header)] + train).joined(separator: "\n") + "\n")
        try s.write("data/test.csv", ([String(header)] + test).joined(separator: "\n") + "\n")
    }

    @Test func aFixedTestFileIsUsedInsteadOfASplitAndIsPartOfTheVersion() throws {
        let s = try Sandbox()
        try s.remove("manifests/iris.json")
        try writeFixedSplit(s)
        var m = try JSONParser.parse(s.manifest(name: "fixed", source: "data/train.csv")).value
        m.set("spec.dataset", ["source": "data/train.csv", "target": "species", "test": "data/test.csv"])
        try s.write("manifests/fixed.json", m.canonical(pretty: true))
        let apply = try s.run("apply")
        #expect(apply.status == 0, "\(apply.output)")
        let version = try #require(try s.history("fixed")["versions"]?.arrayValue?.first)
        #expect(version["testDigest"] != .null)
        let gate = try JSONParser.parse(try s.run("gate", "--json").stdout).value
        #expect(gate["models"]?.arrayValue?.first?["evaluation"]?["testRows"] == 50)
        #expect(gate["models"]?.arrayValue?.first?["evaluation"]?["trainRows"] == 100)
        #expect(gate["models"]?.arrayValue?.first?["trained"] == false, "gate reuses the version apply trained")

        // New holdout data is a new version.
        try s.write("data/test.csv", try s.read("data/test.csv") + "5.0,3.4,1.5,0.2,setosa\n")
        let plan = try JSONParser.parse(try s.run("plan", "--json").stdout).value
        #expect(plan["models"]?.arrayValue?.first?["actions"]?.arrayValue?.first?["reason"] == "test data changed")
    }

    @Test func pinnedDataTrainsAndAChangedFileIsRefused() throws {
        let s = try Sandbox()
        let digest = SHA256.hex(of: try s.bytes("examples/data/iris.csv"))
        try s.edit("manifests/iris.json") { $0.set("spec.dataset.sha256", .string(digest)) }
        #expect(try s.run("apply").status == 0)
        try s.write("examples/data/iris.csv", try s.read("examples/data/iris.csv") + "5.0,3.4,1.5,0.2,setosa\n")
        let apply = try s.run("apply")
        #expect(apply.status == 1)
        #expect(apply.stdout.contains("pins \(digest)"), "\(apply.output)")
        #expect(try s.trainings("iris") == 1)
    }

    @Test func changedDataRetrainsWithTheReason() throws {
        let s = try Sandbox()
        try s.edit("manifests/iris.json") { $0.set("spec.gate", ["accuracy": ["min": 0.5]]) }
        #expect(try s.run("apply").status == 0)
        try s.write("examples/data/iris.csv", try s.read("examples/data/iris.csv") + "5.0,3.4,1.5,0.2,setosa\n")
        let plan = try s.run("plan")
        #expect(plan.stdout.contains("data changed (sha256"), "\(plan.output)")
        #expect(try s.run("apply").status == 0)
        #expect(try s.trainings("iris") == 2)
    }

    @Test func oneFailingModelDoesNotStopTheOthers() throws {
        let s = try Sandbox()
        try s.write("blocker", "a file where a directory should be")
        try s.write("manifests/tree.json", s.manifest(name: "tree", deploy: "blocker/tree"))
        try s.write("manifests/forest.json", s.manifest(name: "forest", algorithm: "random_forest", params: ["nEstimators": 10]))
        let apply = try s.run("apply")
        #expect(apply.status == 1, "\(apply.output)")
        #expect(apply.stdout.contains("tree: failed:"))
        #expect(s.exists("deploy/iris/model.json"))
        #expect(s.exists("deploy/forest/model.json"))
        #expect(!s.exists("blocker/tree"))
        let status = try JSONParser.parse(try s.run("status", "--json").stdout).value
        let tree = status["models"]?.arrayValue?.first { $0["name"] == "tree" }
        #expect(tree?["published"] == .null)
    }

    @Test func theStoreDirectoryIgnoresItselfInGit() throws {
        let s = try Sandbox()
        #expect(try s.run("apply").status == 0)
        #expect(try s.read(".sluice/.gitignore").contains("*"))
    }

    @Test func predictTakesJSONRowsFromAFileAndRefusesUnknownModels() throws {
        let s = try Sandbox()
        #expect(try s.run("apply").status == 0)
        try s.write("rows.json", "[{\"sepal_length\": 5.1, \"sepal_width\": 3.5, \"petal_length\": 1.4, \"petal_width\": 0.2}]")
        let r = try s.run("predict", "iris", "--input", "rows.json", "--json")
        #expect(r.status == 0, "\(r.output)")
        #expect(try JSONParser.parse(r.stdout).value.arrayValue?.first?["prediction"] == "setosa")
        let bad = try s.run("predict", "iris", stdin: "[{\"sepal_length\": \"long\", \"sepal_width\": 3.5, \"petal_length\": 1.4, \"petal_width\": 0.2}]")
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("row 1: feature \"sepal_length\" must be a number, got \"long\""), "\(bad.output)")
        let unknown = try s.run("predict", "nope", stdin: "{}")
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("model nope is not published"))
    }
}
