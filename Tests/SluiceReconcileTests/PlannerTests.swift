import Testing
import SluiceCore
import SluiceLearn
import SluiceManifest
@testable import SluiceReconcile

/// Table-driven tests of the pure planner: each case names a transition.
@Suite struct PlannerTests {
    static let data = "d0d0"
    static let newData = "d1d1"

    static func manifest(_ name: String = "iris", algorithm: String = "random_forest", params: [String: JSON] = [:],
                         gate: [GateRule] = [GateRule(metric: "accuracy", min: 0.9)], deploy: String? = nil,
                         suspend: Bool = false, retired: Bool = false) -> Manifest {
        let algo = AlgorithmCatalog.algorithm(named: algorithm)!
        return Manifest(
            name: name, labels: [:], task: .classification,
            dataset: DatasetSpec(source: "data.csv", target: "y", features: nil, split: SplitSpec(), test: nil, sha256: nil, testSha256: nil),
            algorithm: algorithm, params: algo.filled(params), gate: gate, deploy: .directory(path: deploy ?? "deploy/\(name)"),
            suspend: suspend, retired: retired, origin: .init(file: "manifests/\(name).json", position: .init(line: 1, column: 1)))
    }

    static func desired(_ m: Manifest, data: String = PlannerTests.data) -> DesiredModel {
        DesiredModel(manifest: m, data: .resolved(dataDigest: data, testDigest: nil))
    }

    /// The observed state of a model that has `m` trained, evaluated (passed) and published.
    static func published(_ m: Manifest, data: String = PlannerTests.data, target: TargetObservation = .matches) -> ObservedModel {
        let v = VersionIdentity.id(m, dataDigest: data, testDigest: nil)
        return ObservedModel(
            name: m.name,
            versions: [v: VersionSummary(id: v, artifactDigest: "a-\(v.prefix(4))", inputs: m.trainingInputs, dataDigest: data)],
            verdicts: [v: [m.gateDigest: Verdict(passed: true, summary: "ok")]],
            publication: Publication(version: v, deploy: m.deploy, artifactDigest: "a-\(v.prefix(4))"),
            target: target)
    }

    /// Adds a trained version of `m` with a verdict to an observed model.
    static func adding(_ m: Manifest, passed: Bool?, to o: ObservedModel, data: String = PlannerTests.data) -> ObservedModel {
        var o = o
        let v = VersionIdentity.id(m, dataDigest: data, testDigest: nil)
        o.versions[v] = VersionSummary(id: v, artifactDigest: "a-\(v.prefix(4))", inputs: m.trainingInputs, dataDigest: data)
        if let passed { o.verdicts[v, default: [:]][m.gateDigest] = Verdict(passed: passed, summary: passed ? "ok" : "accuracy 0.5 < min 0.9") }
        return o
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var desired: [DesiredModel]
        var observed: [ObservedModel]
        var errors: [ManifestError] = []
        var invalid: Set<String> = []
        var allowEmpty = false
        /// Expected action kinds per model, and condition.
        var expect: [String: ([String], Condition)]
        var testDescription: String { name }
    }

    static let base = manifest()
    static let tree = manifest("tree", algorithm: "decision_tree")

    static let cases: [Case] = [
        Case(name: "new model → train, evaluate, publish",
             desired: [desired(base)], observed: [],
             expect: ["iris": (["train", "evaluate", "publish"], .progressing)]),
        Case(name: "up to date → unchanged",
             desired: [desired(base)], observed: [published(base)],
             expect: ["iris": ([], .ready)]),
        Case(name: "data changed → train",
             desired: [desired(base, data: newData)], observed: [published(base)],
             expect: ["iris": (["train", "evaluate", "publish"], .progressing)]),
        Case(name: "algorithm changed → train",
             desired: [desired(manifest(params: ["nEstimators": 10]))], observed: [published(base)],
             expect: ["iris": (["train", "evaluate", "publish"], .progressing)]),
        Case(name: "gate changed → evaluate only",
             desired: [desired(manifest(gate: [GateRule(metric: "accuracy", min: 0.8)]))], observed: [published(base)],
             expect: ["iris": (["evaluate"], .progressing)]),
        Case(name: "deploy changed → publish to the new target, retire the old, no training",
             desired: [desired(manifest(deploy: "elsewhere"))], observed: [published(base)],
             expect: ["iris": (["publish", "retire"], .progressing)]),
        Case(name: "reverted manifest → publish the earlier version, no training",
             desired: [desired(base)], observed: [adding(base, passed: true, to: published(manifest(params: ["nEstimators": 10])))],
             expect: ["iris": (["publish"], .progressing)]),
        Case(name: "rejected candidate → nothing to do, champion stays",
             desired: [desired(manifest(params: ["nEstimators": 10]))],
             observed: [adding(manifest(params: ["nEstimators": 10]), passed: false, to: published(base))],
             expect: ["iris": ([], .rejected)]),
        Case(name: "rejected candidate with a drifted champion → repair the champion",
             desired: [desired(manifest(params: ["nEstimators": 10]))],
             observed: [adding(manifest(params: ["nEstimators": 10]), passed: false, to: published(base, target: .drifted("model.json is missing")))],
             expect: ["iris": (["publish"], .rejected)]),
        Case(name: "trained but never evaluated → evaluate, then publish",
             desired: [desired(manifest(params: ["nEstimators": 10]))],
             observed: [adding(manifest(params: ["nEstimators": 10]), passed: nil, to: published(base))],
             expect: ["iris": (["evaluate", "publish"], .progressing)]),
        Case(name: "target drifted → republish without training",
             desired: [desired(base)], observed: [published(base, target: .drifted("model.json is missing"))],
             expect: ["iris": (["publish"], .progressing)]),
        Case(name: "suspended → left alone, even when stale",
             desired: [desired(manifest(params: ["nEstimators": 10], suspend: true))], observed: [published(base)],
             expect: ["iris": ([], .suspended)]),
        Case(name: "retired flag → retire",
             desired: [desired(manifest(retired: true))], observed: [published(base)],
             expect: ["iris": (["retire"], .retired)]),
        Case(name: "retired flag and not published → unchanged",
             desired: [desired(manifest(retired: true))], observed: [],
             expect: ["iris": ([], .retired)]),
        Case(name: "data unreadable → failed, champion kept",
             desired: [DesiredModel(manifest: base, data: .failed("no such file"))], observed: [published(base)],
             expect: ["iris": ([], .failed)]),
        Case(name: "manifest removed → retire",
             desired: [desired(tree)], observed: [published(base), published(tree)],
             expect: ["iris": (["retire"], .retired), "tree": ([], .ready)]),
        Case(name: "manifest removed while another file is invalid → retirement withheld",
             desired: [desired(tree)], observed: [published(base), published(tree)],
             errors: [ManifestError(file: "manifests/x.json", position: nil, path: "", message: "invalid JSON")],
             expect: ["iris": ([], .blocked), "tree": ([], .ready)]),
        Case(name: "invalid manifest of a published model → not retired, failed",
             desired: [desired(tree)], observed: [published(base), published(tree)],
             errors: [ManifestError(file: "manifests/iris.json", position: nil, path: "spec", message: "bad", model: "iris")], invalid: ["iris"],
             expect: ["iris": ([], .failed), "tree": ([], .ready)]),
        Case(name: "every manifest removed → retirement withheld without allowEmpty",
             desired: [], observed: [published(base), published(tree)],
             expect: ["iris": ([], .blocked), "tree": ([], .blocked)]),
        Case(name: "every manifest removed with allowEmpty → retire all",
             desired: [], observed: [published(base), published(tree)], allowEmpty: true,
             expect: ["iris": (["retire"], .retired), "tree": (["retire"], .retired)]),
        Case(name: "removing one model while the other is suspended → retire it",
             desired: [desired(manifest("tree", algorithm: "decision_tree", suspend: true))], observed: [published(base), published(tree)],
             expect: ["iris": (["retire"], .retired), "tree": ([], .suspended)]),
    ]

    @Test(arguments: cases)
    func transition(_ c: Case) {
        let set = ManifestSet(manifests: c.desired.map(\.manifest), errors: c.errors, invalidModels: c.invalid)
        let observed = ObservedState(models: Dictionary(uniqueKeysWithValues: c.observed.map { ($0.name, $0) }))
        let plan = Planner(options: .init(allowEmpty: c.allowEmpty)).plan(desired: c.desired, manifests: set, observed: observed)
        for (model, (kinds, condition)) in c.expect {
            let item = plan.item(model)
            #expect(item?.actions.map(\.kind) == kinds, "\(model): \(String(describing: item))")
            #expect(item?.condition == condition, "\(model): \(String(describing: item))")
        }
        #expect(plan.items.count == c.expect.count)
    }

    @Test func planIsPureAndDeterministic() {
        let c = Self.cases[5]
        let observed = ObservedState(models: Dictionary(uniqueKeysWithValues: c.observed.map { ($0.name, $0) }))
        let set = ManifestSet(manifests: c.desired.map(\.manifest))
        let a = Planner().plan(desired: c.desired, manifests: set, observed: observed)
        let b = Planner().plan(desired: c.desired.reversed(), manifests: set, observed: observed)
        #expect(a == b)
    }

    @Test func reasonsSayWhatChanged() {
        let data = Planner().plan(desired: [Self.desired(Self.base, data: Self.newData)], manifests: ManifestSet(),
                                  observed: ObservedState(models: ["iris": Self.published(Self.base)]))
        #expect(data.actions.first?.reason.contains("data changed") == true)
        let algo = Planner().plan(desired: [Self.desired(Self.manifest(params: ["nEstimators": 10]))], manifests: ManifestSet(),
                                  observed: ObservedState(models: ["iris": Self.published(Self.base)]))
        #expect(algo.actions.first?.reason == "algorithm changed: nEstimators 100 → 10")
        let rejected = Planner().plan(
            desired: [Self.desired(Self.manifest(params: ["nEstimators": 10]))], manifests: ManifestSet(),
            observed: ObservedState(models: ["iris": Self.adding(Self.manifest(params: ["nEstimators": 10]), passed: false, to: Self.published(Self.base))]))
        #expect(rejected.items.first?.message.contains("accuracy 0.5 < min 0.9") == true)
        #expect(rejected.items.first?.message.contains("stays in service") == true)
    }

    static func trainReason(_ m: Manifest, over published: Manifest = PlannerTests.base) -> String? {
        Planner().plan(desired: [desired(m)], manifests: ManifestSet(), observed: ObservedState(models: ["iris": Self.published(published)]))
            .actions.first { $0.kind == "train" }?.reason
    }

    @Test func trainingReasonsNameWhatChangedAndHow() {
        #expect(Self.trainReason(Self.manifest(params: ["nEstimators": 37, "maxDepth": 4])) == "algorithm changed: maxDepth null → 4, nEstimators 100 → 37")
        #expect(Self.trainReason(Self.manifest(algorithm: "extra_trees")) == "algorithm changed: random_forest → extra_trees")
        var split = Self.base
        split.dataset.split.testSize = .fraction(0.25)
        split.dataset.features = ["a", "b"]
        #expect(Self.trainReason(split) == "dataset spec changed: features all but the target → [a, b], split testFraction 0.2 → 0.25")
        var features = split
        features.dataset.features = ["a", "c"]
        #expect(Self.trainReason(features, over: split) == "dataset spec changed: features +c -b")
        var test = Self.base
        test.dataset.test = "test.csv"
        #expect(Self.trainReason(test) == "dataset spec changed: split replaced by test file test.csv")
        var task = Self.base
        task.task = nil
        task.dataset.target = "z"
        #expect(Self.trainReason(task) == "task changed: classification → inferred, dataset spec changed: target y → z")
    }

    @Test func aConditionalPublishSaysTheConditionOnce() {
        let plan = Planner().plan(desired: [Self.desired(Self.manifest(params: ["nEstimators": 10]))], manifests: ManifestSet(),
                                  observed: ObservedState(models: ["iris": Self.published(Self.base)]))
        guard case .publish(_, _, let reason, let conditional)? = plan.actions.last else { Issue.record("no publish: \(plan)"); return }
        #expect(conditional)
        let champion = VersionIdentity.short(VersionIdentity.id(Self.base, dataDigest: Self.data, testDigest: nil))
        #expect(reason == "replaces \(champion)")
        let evaluated = Planner().plan(desired: [Self.desired(Self.manifest(params: ["nEstimators": 10]))], manifests: ManifestSet(),
                                       observed: ObservedState(models: ["iris": Self.adding(Self.manifest(params: ["nEstimators": 10]), passed: nil, to: Self.published(Self.base))]))
        #expect(evaluated.actions.map(\.kind) == ["evaluate", "publish"])
        #expect(evaluated.actions.allSatisfy { !$0.reason.contains("gate passes") }, "\(evaluated.actions)")
    }

    @Test func aRollbackSaysThatMaxRegressionIsNotCheckedAgain() {
        let withRegression = Self.manifest(gate: [GateRule(metric: "accuracy", min: 0.9, maxRegression: 0.02)])
        let newer = Self.manifest(params: ["nEstimators": 10], gate: withRegression.gate)
        let observed = Self.adding(withRegression, passed: true, to: Self.published(newer))
        let plan = Planner().plan(desired: [Self.desired(withRegression)], manifests: ManifestSet(), observed: ObservedState(models: ["iris": observed]))
        #expect(plan.actions.map(\.kind) == ["publish"])
        let champion = VersionIdentity.short(VersionIdentity.id(newer, dataDigest: Self.data, testDigest: nil))
        #expect(plan.actions.first?.reason.contains("replaces \(champion)") == true, "\(plan.actions)")
        #expect(plan.actions.first?.reason.contains("maxRegression is not checked against \(champion)") == true, "\(plan.actions)")
        // Without a maxRegression rule there is nothing to warn about.
        let plain = Planner().plan(desired: [Self.desired(Self.base)], manifests: ManifestSet(),
                                   observed: ObservedState(models: ["iris": Self.adding(Self.base, passed: true, to: Self.published(Self.manifest(params: ["nEstimators": 10])))]))
        #expect(plain.actions.first?.reason.contains("maxRegression") == false)
    }

    @Test func versionIdentityDependsOnInputsNotOnGateOrDeploy() {
        let a = VersionIdentity.id(Self.base, dataDigest: "x", testDigest: nil)
        #expect(a == VersionIdentity.id(Self.manifest(gate: []), dataDigest: "x", testDigest: nil))
        #expect(a == VersionIdentity.id(Self.manifest(deploy: "other"), dataDigest: "x", testDigest: nil))
        #expect(a != VersionIdentity.id(Self.base, dataDigest: "y", testDigest: nil))
        #expect(a != VersionIdentity.id(Self.base, dataDigest: "x", testDigest: "t"))
        #expect(a != VersionIdentity.id(Self.manifest(params: ["seed": 1]), dataDigest: "x", testDigest: nil))
        // Defaults are filled in: writing a default explicitly is the same version.
        #expect(a == VersionIdentity.id(Self.manifest(params: ["nEstimators": 100]), dataDigest: "x", testDigest: nil))
    }
}
