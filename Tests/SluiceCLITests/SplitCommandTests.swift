import Foundation
import Testing
import SluiceCore

/// `sluice split NAME` and the shipped iris manifest, which reproduces the scikit-learn script
/// Sluice grew from (`train_test_split(X, y, test_size=0.3, random_state=42)`, a 100-tree forest,
/// accuracy 1.00).
@Suite struct SplitCommandTests {
    /// scikit-learn's test rows for 150 rows, test_size=0.3, random_state=42 (1-based), from the
    /// committed fixture.
    static func sklearnIrisTestRows() throws -> [Int] {
        let url = Sandbox.repository.appendingPathComponent("Tests/Fixtures/sklearn_split/splits.json")
        let cases = try JSONParser.parse([UInt8](Data(contentsOf: url))).value["shuffled"]?.arrayValue ?? []
        let c = try #require(cases.first { $0["n"] == 150 && $0["testFraction"] == 0.3 && $0["seed"] == 42 })
        return try #require(c["test"]?.arrayValue).compactMap(\.intValue).map { $0 + 1 }
    }

    static func digest(_ rows: [Int]) -> String { SHA256.hex(of: rows.map { "\($0)\n" }.joined()) }

    @Test func theShippedIrisManifestReproducesTheNotebook() throws {
        let s = try Sandbox()
        let apply = try s.run("apply")
        #expect(apply.status == 0, "\(apply.output)")
        #expect(apply.stdout.contains("(accuracy 1.0000)"), "\(apply.stdout)")
        let metadata = try JSONParser.parse(try s.bytes("deploy/iris/metadata.json")).value
        #expect(metadata["metrics"]?["accuracy"] == 1)
        let gate = try JSONParser.parse(try s.run("gate", "--json").stdout).value["models"]?.arrayValue?.first
        #expect(gate?["evaluation"]?["testRows"] == 45)
        #expect(gate?["evaluation"]?["trainRows"] == 105)

        let split = try s.run("split", "iris", "--json")
        #expect(split.status == 0, "\(split.output)")
        let doc = try JSONParser.parse(split.stdout).value
        let test = try #require(doc["test"]?["rows"]?.arrayValue).compactMap(\.intValue)
        #expect(test == (try Self.sklearnIrisTestRows()), "the rows scikit-learn holds out, in its order")
        #expect(doc["test"]?["count"] == 45)
        #expect(doc["test"]?["sha256"]?.stringValue == Self.digest(test))
        #expect(doc["split"] == ["method": "sklearn", "testFraction": 0.3, "seed": 42, "stratify": false])
    }

    @Test func splitListsEveryRowOnceInTheOrderTrainingUsesAndWritesNothing() throws {
        let s = try Sandbox()
        // Sluice's own split: ascending rows, each data row in exactly one part.
        try s.edit("manifests/iris.json") { $0.set("spec.dataset.split", ["testSize": 30, "seed": 3]) }
        let r = try s.run("split", "iris", "--json")
        #expect(r.status == 0, "\(r.output)")
        let doc = try JSONParser.parse(r.stdout).value
        let train = try #require(doc["train"]?["rows"]?.arrayValue).compactMap(\.intValue)
        let test = try #require(doc["test"]?["rows"]?.arrayValue).compactMap(\.intValue)
        #expect(test.count == 30 && train.count == 120)
        #expect(test == test.sorted() && train == train.sorted())
        #expect((train + test).sorted() == Array(1...150))
        #expect(doc["train"]?["sha256"]?.stringValue == Self.digest(train))
        // Stratified by default: 10 test rows of each of the three 50-row classes.
        let species = try s.read("examples/data/iris.csv").split(separator: "\n").dropFirst().map { $0.split(separator: ",").last! }
        #expect(Dictionary(grouping: test) { species[$0 - 1] }.mapValues(\.count) == ["setosa": 10, "versicolor": 10, "virginica": 10])
        #expect(!s.exists(".sluice"), "split opens no store")

        let text = try s.run("split", "iris")
        #expect(text.status == 0)
        #expect(text.stdout.contains("iris: sluice split of examples/data/iris.csv (testSize 30, seed 3, stratified)"), "\(text.stdout)")
        #expect(text.stdout.contains("test: 30 rows of examples/data/iris.csv, sha256 \(Self.digest(test))"))
        #expect(text.stdout.contains("  " + test.map(String.init).joined(separator: " ") + "\n"))
        #expect(!s.exists(".sluice"))
    }

    @Test func aFixedTestFileIsReportedAsSuch() throws {
        let s = try Sandbox()
        let lines = try s.read("examples/data/iris.csv").split(separator: "\n")
        try s.write("data/test.csv", lines.prefix(6).joined(separator: "\n") + "\n")
        try s.edit("manifests/iris.json") { m in
            var dataset = m["spec"]!["dataset"]!.objectValue!
            dataset["split"] = nil
            dataset["test"] = "data/test.csv"
            m.set("spec.dataset", .object(dataset))
        }
        let doc = try JSONParser.parse(try s.run("split", "iris", "--json").stdout).value
        #expect(doc["split"] == .null)
        #expect(doc["train"]?["count"] == 150)
        #expect(doc["test"]?["source"] == "data/test.csv")
        #expect(doc["test"]?["rows"] == [1, 2, 3, 4, 5])
    }

    @Test func aDatasetNamedByURLIsFetchedWithoutWritingBesideTheStore() async throws {
        let s = try Sandbox()
        let server = try await DatasetServer(body: try s.read("examples/data/iris.csv"))
        try s.edit("manifests/iris.json") { $0.set("spec.dataset.source", .string(server.url)) }
        let r = try s.run("split", "iris", "--json")
        #expect(r.status == 0, "\(r.output)")
        let doc = try JSONParser.parse(r.stdout).value
        #expect(doc["test"]?["rows"]?.arrayValue?.compactMap(\.intValue) == (try Self.sklearnIrisTestRows()))
        #expect(doc["test"]?["source"]?.stringValue == server.url)
        #expect(!s.exists(".sluice"), "no store, no downloads directory")
    }

    @Test func unknownModelsAndImpossibleSplitsAreErrorsThatSayWhy() throws {
        let s = try Sandbox()
        let missing = try s.run("split", "iriss")
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("no manifest declares a model named iriss"), "\(missing.stderr)")
        #expect(missing.stderr.contains("models: iris"))

        try s.edit("manifests/iris.json") { $0.set("spec.dataset.split", ["method": "sklearn", "testSize": 150]) }
        let tooBig = try s.run("split", "iris")
        #expect(tooBig.status == 1)
        #expect(tooBig.stderr.contains("spec.dataset.split.testSize 150 is not below the 150 data rows"), "\(tooBig.stderr)")

        try s.edit("manifests/iris.json") { $0.set("spec.dataset.split", ["method": "sklearn", "seed": -1]) }
        let invalid = try s.run("split", "iris")
        #expect(invalid.status == 1)
        #expect(invalid.stderr.contains("manifests/iris.json"), "\(invalid.stderr)")
        #expect(invalid.stderr.contains("spec.dataset.split.seed"))
        #expect(!s.exists(".sluice"))
    }
}
