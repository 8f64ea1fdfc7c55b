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

    func withGate(_ gate: String, task: String? = nil, algorithm: String = "random_forest") -> String {
        Self.valid
            .replacingOccurrences(of: "\"deploy\":", with: "\"gate\": \(gate),\n \"deploy\":")
            .replacingOccurrences(of: "\"random_forest\"", with: "\"\(algorithm)\"")
            .replacingOccurrences(of: "\"dataset\":", with: task.map { "\"task\": \"\($0)\", \"dataset\":" } ?? "\"dataset\":")
    }

    @Test(arguments: [
        ("{ \"accuracy\": { \"min\": 90 } }", "spec.gate.accuracy.min", "90 is outside the range of accuracy (from 0 to 1), so no model could pass; did you mean 0.9? Metrics are fractions, not percentages"),
        ("{ \"roc_auc\": { \"max\": -0.5 } }", "spec.gate.roc_auc.max", "-0.5 is outside the range of roc_auc (from 0 to 1), so no model could pass"),
        ("{ \"accuracy\": { \"min\": -1 } }", "spec.gate.accuracy.min", "-1 is outside the range of accuracy (from 0 to 1), so every model would pass"),
        ("{ \"log_loss\": { \"max\": -0.1 } }", "spec.gate.log_loss.max", "-0.1 is outside the range of log_loss (≥ 0), so no model could pass"),
        ("{ \"accuracy\": { \"maxRegression\": 2 } }", "spec.gate.accuracy.maxRegression", "2 is more than the whole range of accuracy (from 0 to 1), so no regression could fail it; expected a number from 0 to 1; did you mean 0.02? Metrics are fractions, not percentages"),
    ])
    func thresholdsOutsideTheMetricsRangeAreErrors(gate: String, path: String, message: String) {
        let (manifests, errors) = decode(withGate(gate))
        #expect(manifests.isEmpty)
        #expect(errors.map(\.path) == [path], "\(errors)")
        #expect(errors.first?.message == message)
        #expect(errors.first?.file == "manifests/m.json")
    }

    @Test func thresholdsInsideTheRangeAreAccepted() {
        let (manifests, errors) = decode(withGate("{ \"r2\": { \"min\": -3 }, \"rmse\": { \"max\": 1200, \"maxRegression\": 50 } }", task: "regression"))
        #expect(errors.isEmpty, "\(errors)")
        #expect(manifests.first?.gate.map(\.metric) == ["r2", "rmse"])
    }

    @Test func metricsOfTheOtherTaskNameTheMetricsOfThisOne() {
        let declared = decode(withGate("{ \"rmse\": { \"max\": 0.5 } }", task: "classification")).errors
        #expect(declared.first?.path == "spec.gate.rmse")
        #expect(declared.first?.message == "rmse is a regression metric, but spec.task is classification; classification metrics: "
                + "accuracy, balanced_accuracy, precision_macro, recall_macro, f1_macro, f1_weighted, roc_auc, log_loss")
        let byAlgorithm = decode(withGate("{ \"accuracy\": { \"min\": 0.5 } }", algorithm: "ridge")).errors
        #expect(byAlgorithm.first?.message.hasPrefix("accuracy is a classification metric, but algorithm ridge does regression; regression metrics: r2, rmse, mae") == true, "\(byAlgorithm)")
        let mixed = decode(withGate("{ \"accuracy\": { \"min\": 0.5 }, \"mae\": { \"max\": 1 } }")).errors
        #expect(mixed.count == 1)
        #expect(mixed.first?.message.contains("mae is a regression metric, but accuracy is a classification metric") == true, "\(mixed)")
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
