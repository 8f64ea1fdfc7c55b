import Testing
import SluiceCore
import SluiceLearn
@testable import SluiceManifest

@Suite struct ManifestDecoderTests {
    static let valid = """
        {
          "apiVersion": "sluice.dev/v1",
          "kind": "Model",
          "metadata": { "name": "iris" },
          "spec": {
            "dataset": { "source": "data/iris.csv", "target": "species" },
            "algorithm": { "name": "random_forest" },
            "deploy": { "target": "directory", "path": "deploy/iris" }
          }
        }
        """

    func decode(_ text: String) -> (manifests: [Manifest], errors: [ManifestError]) {
        ManifestDecoder.decode(Array(text.utf8), file: "manifests/m.json")
    }

    @Test func defaultsAreFilledIn() throws {
        let (manifests, errors) = decode(Self.valid)
        #expect(errors.isEmpty)
        let m = try #require(manifests.first)
        #expect(m.params["nEstimators"] == 100)
        #expect(m.params["maxFeatures"] == .null, "null: scikit-learn's default for the task")
        #expect(m.params["maxBins"] == 255)
        #expect(m.params["seed"] == 0)
        #expect(m.dataset.split == SplitSpec(testFraction: 0.2, seed: 0, stratify: true))
        #expect(m.task == nil)
        #expect(m.gate.isEmpty)
        #expect(!m.suspend && !m.retired)
    }

    @Test func errorsPointAtTheLineAndColumnOfTheBadValue() throws {
        let text = Self.valid.replacingOccurrences(of: "{ \"name\": \"random_forest\" }", with: "{ \"name\": \"random_forest\", \"params\": { \"nEstimators\": 0 } }")
        let (manifests, errors) = decode(text)
        #expect(manifests.isEmpty)
        let e = try #require(errors.first)
        #expect(e.file == "manifests/m.json")
        #expect(e.position == SourcePosition(line: 7, column: 72))
        #expect(e.path == "spec.algorithm.params.nEstimators")
        #expect(e.message == "0 is not allowed; expected an integer from 1 to 10000")
        #expect(e.model == "iris")
        #expect(e.description.hasPrefix("manifests/m.json:7:72: spec.algorithm.params.nEstimators: "))
    }

    @Test func syntaxErrorsGiveLineAndColumn() throws {
        let (_, errors) = decode("{\n  \"a\": [1, 2,]\n}")
        #expect(errors.first?.position == SourcePosition(line: 2, column: 14))
        #expect(errors.first?.message.contains("trailing comma") == true)
    }

    @Test func everyProblemOfAFileIsReported() {
        let text = Self.valid
            .replacingOccurrences(of: "\"iris\"", with: "\"IRIS\"")
            .replacingOccurrences(of: "\"species\"", with: "\"species\", \"tagret\": \"x\"")
            .replacingOccurrences(of: "\"directory\"", with: "\"directroy\"")
        let (_, errors) = decode(text)
        #expect(errors.count == 3, "\(errors)")
        #expect(errors.contains { $0.path == "metadata.name" })
        #expect(errors.contains { $0.message.contains("did you mean \"target\"") })
        #expect(errors.contains { $0.message.contains("did you mean \"directory\"") })
    }

    @Test func anArrayOfManifestsDecodesEachAndIsolatesTheBadOne() {
        let bad = Self.valid.replacingOccurrences(of: "\"iris\"", with: "\"other\"").replacingOccurrences(of: "random_forest", with: "svm")
        let (manifests, errors) = decode("[\(Self.valid), \(bad)]")
        #expect(manifests.map(\.name) == ["iris"])
        #expect(errors.count == 1)
        #expect(errors.first?.path == "[1].spec.algorithm.name")
        #expect(errors.first?.model == "other")
    }

    /// A long feature list is checked for duplicates in linear time (the check compared every
    /// name with every earlier one: 40,000 columns kept `validate` busy for minutes), and still
    /// names each duplicate with its index.
    @Test func longFeatureListsAreCheckedForDuplicatesByIndex() {
        let names = (0..<40_000).map { "\"f\($0)\"" } + ["\"f7\"", "\"f39999\""]
        let text = Self.valid.replacingOccurrences(of: "\"target\": \"species\"", with: "\"target\": \"species\", \"features\": [\(names.joined(separator: ","))]")
        let (manifests, errors) = decode(text)
        #expect(manifests.isEmpty)
        #expect(errors.map(\.path) == ["spec.dataset.features[40000]", "spec.dataset.features[40001]"])
        #expect(errors.first?.message == "\"f7\" is listed twice")
    }

    @Test func duplicateNamesAcrossFilesAreErrorsForBoth() {
        let set = ManifestSet.assemble([(path: "manifests/a.json", bytes: Array(Self.valid.utf8)), (path: "manifests/b.json", bytes: Array(Self.valid.utf8))])
        #expect(set.manifests.isEmpty)
        #expect(set.invalidModels == ["iris"])
        #expect(set.errors.first?.message.contains("already declared at manifests/a.json:1:1") == true)
        #expect(!set.loadedCleanly)
    }

    @Test func testFileReplacesTheSplit() {
        let both = Self.valid.replacingOccurrences(of: "\"target\": \"species\"", with: "\"target\": \"species\", \"test\": \"data/t.csv\", \"split\": {}")
        #expect(decode(both).errors.first?.message.contains("cannot be combined with \"test\"") == true)
        let test = Self.valid.replacingOccurrences(of: "\"target\": \"species\"", with: "\"target\": \"species\", \"test\": \"data/t.csv\"")
        #expect(decode(test).manifests.first?.dataset.test == "data/t.csv")
    }

    @Test(arguments: [
        ("team/iris", "contains \"/\""), ("a..b", "contains \"..\""), ("Iris", "upper-case"),
        (String(repeating: "x", count: 64), "64 characters long"), ("-iris", "not a DNS label"), ("", "must not be empty"),
    ])
    func namesMustBeDNSLabels(name: String, problem: String) {
        let (_, errors) = decode(Self.valid.replacingOccurrences(of: "\"iris\"", with: JSON.string(name).canonical()))
        #expect(errors.first?.path == "metadata.name")
        #expect(errors.first?.message.contains(problem) == true, "\(errors)")
    }

    @Test(arguments: ["../x.csv", "data/../../x.csv", "/etc/passwd", "ftp://host/x.csv"])
    func sourcesMayNotEscapeTheRoot(source: String) {
        let (_, errors) = decode(Self.valid.replacingOccurrences(of: "\"data/iris.csv\"", with: JSON.string(source).canonical()))
        #expect(errors.first?.path == "spec.dataset.source", "\(errors)")
    }

    @Test func gateMetricsAreCheckedAgainstTheTask() {
        let text = Self.valid.replacingOccurrences(of: "\"deploy\":", with: "\"gate\": { \"accuracy\": { \"min\": 0.9, \"max\": 0.8 }, \"r3\": { \"min\": 1 } },\n \"deploy\":")
        let (_, errors) = decode(text)
        #expect(errors.contains { $0.path == "spec.gate.accuracy.min" && $0.message.contains("above max") })
        #expect(errors.contains { $0.path == "spec.gate.r3" && $0.message.contains("unknown metric") })
    }

    @Test func suggestionsAreOnlyOfferedForCloseNames() {
        #expect(Suggestion.closest(to: "nEstimator", in: ["nEstimators", "seed"]) == "nEstimators")
        #expect(Suggestion.closest(to: "MAXDEPTH", in: ["maxDepth"]) == "maxDepth")
        #expect(Suggestion.closest(to: "zzzzzz", in: ["nEstimators", "seed"]) == nil)
    }

    @Test func gateAndDeployDigestsAreSeparateFromTrainingInputs() throws {
        let a = try #require(decode(Self.valid).manifests.first)
        var b = a
        b.gate = [GateRule(metric: "accuracy", min: 0.5)]
        b.deploy = .directory(path: "elsewhere")
        #expect(a.trainingInputs == b.trainingInputs)
        #expect(a.gateDigest != b.gateDigest)
        #expect(a.digest != b.digest)
    }
}
