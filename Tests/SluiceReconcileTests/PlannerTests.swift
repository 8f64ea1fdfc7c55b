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
            publication: Publication(version: v, deploy: m.deploy, artifactDigest: "a-\(v.prefix(4))", formats: m.formats),
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

    /// One expected action: its kind, reason token, version, and target (publish and retire).
    struct Step: Sendable, Equatable, CustomStringConvertible {
        var kind: ActionKind
        var token: ReasonToken
        var version: String
        var target: DeploySpec?

        init(_ kind: ActionKind, _ token: ReasonToken, version: String, target: DeploySpec? = nil) {
            (self.kind, self.token, self.version, self.target) = (kind, token, version, target)
        }

        init(_ a: Action) {
            switch a {
            case .publish(let v, let t, let r, _), .retire(let v, let t, let r): self.init(a.kind, r.token, version: v, target: t)
            case .train(let v, let r), .evaluate(let v, let r): self.init(a.kind, r.token, version: v)
            }
        }

        var description: String { "\(kind) \(token) \(VersionIdentity.short(version))" + (target.map { " \($0.summary)" } ?? "") }
    }

    /// What the plan must hold for one model: its actions, condition, and the condition's reason token.
    struct Expect: Sendable {
        var steps: [Step]
        var condition: Condition
        var why: ReasonToken?
    }

    static func version(_ m: Manifest, data: String = PlannerTests.data) -> String { VersionIdentity.id(m, dataDigest: data, testDigest: nil) }
    static func train(_ m: Manifest, _ t: ReasonToken, data: String = PlannerTests.data) -> Step { Step(.train, t, version: version(m, data: data)) }
    static func evaluate(_ m: Manifest, _ t: ReasonToken, data: String = PlannerTests.data) -> Step { Step(.evaluate, t, version: version(m, data: data)) }
    /// Publishing `m`'s version to `m`'s target.
    static func publish(_ m: Manifest, _ t: ReasonToken, data: String = PlannerTests.data) -> Step {
        Step(.publish, t, version: version(m, data: data), target: m.deploy)
    }
    /// Retiring `m`'s version from `m`'s target.
    static func retire(_ m: Manifest, _ t: ReasonToken) -> Step { Step(.retire, t, version: version(m), target: m.deploy) }
    static func expect(_ steps: [Step], _ c: Condition, _ why: ReasonToken? = nil) -> Expect { Expect(steps: steps, condition: c, why: why) }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var desired: [DesiredModel]
        var observed: [ObservedModel]
        var errors: [ManifestError] = []
        var invalid: Set<String> = []
        var allowEmpty = false
        /// Expected actions, condition and condition reason per model.
        var expect: [String: Expect]
        var testDescription: String { name }
    }

    static let base = manifest()
    static let tree = manifest("tree", algorithm: "decision_tree")
    static let ten = manifest(params: ["nEstimators": 10])
    static let laxGate = manifest(gate: [GateRule(metric: "accuracy", min: 0.8)])
    static let elsewhere = manifest(deploy: "elsewhere")
    static let otherTarget: Manifest = {
        var m = manifest()
        m.dataset.target = "z"
        return m
    }()
    /// `base` with `spec.deploy.formats: ["sluice", "onnx"]`.
    static let withONNX: Manifest = {
        var m = manifest()
        m.formats = [.sluice, .onnx]
        return m
    }()
    static let knn = manifest(algorithm: "knn")
    static let forestWithONNX: Manifest = {
        var m = manifest(params: ["nEstimators": 10])
        m.formats = [.sluice, .onnx]
        return m
    }()
    static let inferredTask: Manifest = {
        var m = manifest()
        m.task = nil
        return m
    }()

    /// `base` published under another version id with the same inputs and data: what a new engine sees.
    static let publishedByAnOldEngine: ObservedModel = {
        var o = published(base)
        let old = String(repeating: "0", count: 64)
        o.versions = [old: VersionSummary(id: old, artifactDigest: "a-old", inputs: base.trainingInputs, dataDigest: data)]
        o.verdicts = [old: [base.gateDigest: Verdict(passed: true, summary: "ok")]]
        o.publication = Publication(version: old, deploy: base.deploy, artifactDigest: "a-old")
        return o
    }()

    /// A feedback snapshot an automatic retrain took of `base`'s inputs.
    static let snapshot = FeedbackInput(digest: String(repeating: "f", count: 64), trainRows: 40, holdoutRows: 12,
                                        trigger: "Degraded (LiveMetricBelowFloor): accuracy 0.71 < 0.9 since 2026-12-01T07:00:00Z")
    static let newerSnapshot = FeedbackInput(digest: String(repeating: "e", count: 64), trainRows: 52, holdoutRows: 15, trigger: "Drifted")

    static func retrain(_ m: Manifest = PlannerTests.base, on f: FeedbackInput = PlannerTests.snapshot) -> DesiredModel {
        DesiredModel(manifest: m, data: .resolved(dataDigest: data, testDigest: nil), feedback: f)
    }

    /// The version of `base` trained on `f`.
    static func onFeedback(_ f: FeedbackInput = PlannerTests.snapshot) -> String {
        VersionIdentity.id(base, dataDigest: data, testDigest: nil, feedback: f.digest)
    }

    /// Adds `base` trained on `f` with a verdict (`nil`: not evaluated) to an observed model.
    static func addingFeedback(_ f: FeedbackInput = PlannerTests.snapshot, passed: Bool?, to o: ObservedModel) -> ObservedModel {
        var o = o
        let v = onFeedback(f)
        o.versions[v] = VersionSummary(id: v, artifactDigest: "a-\(v.prefix(4))", inputs: base.trainingInputs, dataDigest: data, feedbackDigest: f.digest)
        if let passed { o.verdicts[v, default: [:]][base.gateDigest] = Verdict(passed: passed, summary: passed ? "ok" : "accuracy 0.8 < min 0.9") }
        return o
    }

    /// `base` trained on `f`, gated and published.
    static func publishedOnFeedback(_ f: FeedbackInput = PlannerTests.snapshot) -> ObservedModel {
        var o = addingFeedback(f, passed: true, to: ObservedModel(name: "iris"))
        let v = onFeedback(f)
        o.publication = Publication(version: v, deploy: base.deploy, artifactDigest: "a-\(v.prefix(4))")
        o.target = .matches
        return o
    }

    static let cases: [Case] = [
        Case(name: "new model → train, evaluate, publish",
             desired: [desired(base)], observed: [],
             expect: ["iris": expect([train(base, .firstVersion), evaluate(base, .newVersion), publish(base, .firstVersion)], .progressing)]),
        Case(name: "versions trained but none published or matching → train, publish as the first version",
             desired: [desired(base)], observed: [adding(ten, passed: true, to: ObservedModel(name: "iris"))],
             expect: ["iris": expect([train(base, .noMatchingVersion), evaluate(base, .newVersion), publish(base, .firstVersion)], .progressing)]),
        Case(name: "trained and gated before, never published → publish without training",
             desired: [desired(base)], observed: [adding(base, passed: true, to: ObservedModel(name: "iris"))],
             expect: ["iris": expect([publish(base, .alreadyTrained)], .progressing)]),
        Case(name: "up to date → unchanged",
             desired: [desired(base)], observed: [published(base)],
             expect: ["iris": expect([], .ready, .upToDate)]),
        Case(name: "data changed → train",
             desired: [desired(base, data: newData)], observed: [published(base)],
             expect: ["iris": expect([train(base, .dataChanged, data: newData), evaluate(base, .newVersion, data: newData),
                                      publish(base, .replacesChampion, data: newData)], .progressing)]),
        Case(name: "test data changed → train",
             desired: [DesiredModel(manifest: base, data: .resolved(dataDigest: data, testDigest: "t1t1"))], observed: [published(base)],
             expect: ["iris": expect([Step(.train, .testDataChanged, version: VersionIdentity.id(base, dataDigest: data, testDigest: "t1t1")),
                                      Step(.evaluate, .newVersion, version: VersionIdentity.id(base, dataDigest: data, testDigest: "t1t1")),
                                      Step(.publish, .replacesChampion, version: VersionIdentity.id(base, dataDigest: data, testDigest: "t1t1"),
                                           target: base.deploy)], .progressing)]),
        Case(name: "algorithm changed → train",
             desired: [desired(ten)], observed: [published(base)],
             expect: ["iris": expect([train(ten, .algorithmChanged), evaluate(ten, .newVersion), publish(ten, .replacesChampion)], .progressing)]),
        Case(name: "dataset spec changed → train",
             desired: [desired(otherTarget)], observed: [published(base)],
             expect: ["iris": expect([train(otherTarget, .datasetSpecChanged), evaluate(otherTarget, .newVersion),
                                      publish(otherTarget, .replacesChampion)], .progressing)]),
        Case(name: "task changed → train",
             desired: [desired(inferredTask)], observed: [published(base)],
             expect: ["iris": expect([train(inferredTask, .taskChanged), evaluate(inferredTask, .newVersion),
                                      publish(inferredTask, .replacesChampion)], .progressing)]),
        Case(name: "algorithm and data changed → train, one token for several inputs",
             desired: [desired(ten, data: newData)], observed: [published(base)],
             expect: ["iris": expect([train(ten, .inputsChanged, data: newData), evaluate(ten, .newVersion, data: newData),
                                      publish(ten, .replacesChampion, data: newData)], .progressing)]),
        Case(name: "same inputs, another engine → train",
             desired: [desired(base)], observed: [publishedByAnOldEngine],
             expect: ["iris": expect([train(base, .engineChanged), evaluate(base, .newVersion), publish(base, .replacesChampion)], .progressing)]),
        Case(name: "gate changed → evaluate only",
             desired: [desired(laxGate)], observed: [published(base)],
             expect: ["iris": expect([evaluate(laxGate, .gateChanged)], .progressing)]),
        Case(name: "gate changed and the champion fails it → rejected, champion stays",
             desired: [desired(laxGate)], observed: [adding(laxGate, passed: false, to: published(base))],
             expect: ["iris": expect([], .rejected, .championFailsGate)]),
        Case(name: "deploy changed → publish to the new target, retire the old, no training",
             desired: [desired(elsewhere)], observed: [published(base)],
             expect: ["iris": expect([publish(elsewhere, .deployChanged), retire(base, .targetMoved)], .progressing)]),
        Case(name: "gate and deploy changed → evaluate, publish to the new target, retire the old",
             desired: [desired(manifest(gate: laxGate.gate, deploy: "elsewhere"))], observed: [published(base)],
             expect: ["iris": expect([evaluate(base, .gateChanged), publish(elsewhere, .deployChanged), retire(base, .targetMoved)], .progressing)]),
        Case(name: "formats changed → publish the same version again, retire nothing, no training",
             desired: [desired(withONNX)], observed: [published(base)],
             expect: ["iris": expect([publish(base, .deployChanged)], .progressing)]),
        Case(name: "formats back to the standard → publish again (the target drops model.onnx)",
             desired: [desired(base)], observed: [published(withONNX)],
             expect: ["iris": expect([publish(base, .deployChanged)], .progressing)]),
        Case(name: "formats unchanged → nothing to do",
             desired: [desired(withONNX)], observed: [published(withONNX)],
             expect: ["iris": expect([], .ready, .upToDate)]),
        Case(name: "rejected candidate and formats changed → the champion is published again with them",
             desired: [desired({ var m = ten; m.formats = [.sluice, .onnx]; return m }())], observed: [adding(ten, passed: false, to: published(base))],
             expect: ["iris": expect([publish(base, .deployChanged)], .rejected, .gateFailed)]),
        Case(name: "rejected candidate adding onnx to a champion without an ONNX form → nothing, the champion keeps its files",
             desired: [desired(forestWithONNX)], observed: [adding(forestWithONNX, passed: false, to: published(knn))],
             expect: ["iris": expect([], .rejected, .gateFailed)]),
        Case(name: "reverted manifest → publish the earlier version, no training",
             desired: [desired(base)], observed: [adding(base, passed: true, to: published(ten))],
             expect: ["iris": expect([publish(base, .alreadyTrained)], .progressing)]),
        Case(name: "rejected candidate → nothing to do, champion stays",
             desired: [desired(ten)], observed: [adding(ten, passed: false, to: published(base))],
             expect: ["iris": expect([], .rejected, .gateFailed)]),
        Case(name: "rejected candidate with a drifted champion → repair the champion",
             desired: [desired(ten)], observed: [adding(ten, passed: false, to: published(base, target: .drifted("model.json is missing")))],
             expect: ["iris": expect([publish(base, .targetDrifted)], .rejected, .gateFailed)]),
        Case(name: "trained but never evaluated → evaluate, then publish",
             desired: [desired(ten)], observed: [adding(ten, passed: nil, to: published(base))],
             expect: ["iris": expect([evaluate(ten, .gateNotEvaluated), publish(ten, .alreadyTrained)], .progressing)]),
        Case(name: "target drifted → republish without training",
             desired: [desired(base)], observed: [published(base, target: .drifted("model.json is missing"))],
             expect: ["iris": expect([publish(base, .targetDrifted)], .progressing)]),
        Case(name: "suspended → left alone, even when stale",
             desired: [desired(manifest(params: ["nEstimators": 10], suspend: true))], observed: [published(base)],
             expect: ["iris": expect([], .suspended, .suspended)]),
        Case(name: "retired flag → retire",
             desired: [desired(manifest(retired: true))], observed: [published(base)],
             expect: ["iris": expect([retire(base, .specRetired)], .retired)]),
        Case(name: "retired flag and not published → unchanged",
             desired: [desired(manifest(retired: true))], observed: [],
             expect: ["iris": expect([], .retired, .specRetired)]),
        Case(name: "data unreadable → failed, champion kept",
             desired: [DesiredModel(manifest: base, data: .failed("no such file"))], observed: [published(base)],
             expect: ["iris": expect([], .failed, .dataUnavailable)]),
        Case(name: "manifest removed → retire",
             desired: [desired(tree)], observed: [published(base), published(tree)],
             expect: ["iris": expect([retire(base, .manifestRemoved)], .retired), "tree": expect([], .ready, .upToDate)]),
        Case(name: "manifest removed while another file is invalid → retirement withheld",
             desired: [desired(tree)], observed: [published(base), published(tree)],
             errors: [ManifestError(file: "manifests/x.json", position: nil, path: "", message: "invalid JSON")],
             expect: ["iris": expect([], .blocked, .retirementWithheld), "tree": expect([], .ready, .upToDate)]),
        Case(name: "invalid manifest of a published model → not retired, failed",
             desired: [desired(tree)], observed: [published(base), published(tree)],
             errors: [ManifestError(file: "manifests/iris.json", position: nil, path: "spec", message: "bad", model: "iris")], invalid: ["iris"],
             expect: ["iris": expect([], .failed, .invalidManifest), "tree": expect([], .ready, .upToDate)]),
        Case(name: "every manifest removed → retirement withheld without allowEmpty",
             desired: [], observed: [published(base), published(tree)],
             expect: ["iris": expect([], .blocked, .retireAllWithheld), "tree": expect([], .blocked, .retireAllWithheld)]),
        Case(name: "every manifest removed with allowEmpty → retire all",
             desired: [], observed: [published(base), published(tree)], allowEmpty: true,
             expect: ["iris": expect([retire(base, .manifestRemoved)], .retired), "tree": expect([retire(tree, .manifestRemoved)], .retired)]),
        Case(name: "feedback snapshot taken → train on it, gate, publish in place of the champion",
             desired: [retrain()], observed: [published(base)],
             expect: ["iris": expect([Step(.train, .feedbackRetrain, version: onFeedback()), Step(.evaluate, .newVersion, version: onFeedback()),
                                      Step(.publish, .replacesChampion, version: onFeedback(), target: base.deploy)], .progressing)]),
        Case(name: "feedback snapshot's version rejected → nothing to do, champion stays",
             desired: [retrain()], observed: [addingFeedback(passed: false, to: published(base))],
             expect: ["iris": expect([], .rejected, .gateFailed)]),
        Case(name: "champion trained on a snapshot, a newer snapshot → train on the newer one",
             desired: [retrain(on: newerSnapshot)], observed: [publishedOnFeedback()],
             expect: ["iris": expect([Step(.train, .feedbackRetrain, version: onFeedback(newerSnapshot)),
                                      Step(.evaluate, .newVersion, version: onFeedback(newerSnapshot)),
                                      Step(.publish, .replacesChampion, version: onFeedback(newerSnapshot), target: base.deploy)], .progressing)]),
        Case(name: "champion trained on its snapshot → unchanged",
             desired: [retrain()], observed: [publishedOnFeedback()],
             expect: ["iris": expect([], .ready, .upToDate)]),
        Case(name: "removing one model while the other is suspended → retire it",
             desired: [desired(manifest("tree", algorithm: "decision_tree", suspend: true))], observed: [published(base), published(tree)],
             expect: ["iris": expect([retire(base, .manifestRemoved)], .retired), "tree": expect([], .suspended, .suspended)]),
    ]

    static func plan(_ c: Case) -> Plan {
        let set = ManifestSet(manifests: c.desired.map(\.manifest), errors: c.errors, invalidModels: c.invalid)
        let observed = ObservedState(models: Dictionary(uniqueKeysWithValues: c.observed.map { ($0.name, $0) }))
        return Planner(options: .init(allowEmpty: c.allowEmpty)).plan(desired: c.desired, manifests: set, observed: observed)
    }

    @Test(arguments: cases)
    func transition(_ c: Case) {
        let plan = Self.plan(c)
        for (model, expected) in c.expect {
            let item = plan.item(model)
            #expect(item?.actions.map(Step.init) == expected.steps, "\(model): \(String(describing: item))")
            #expect(item?.condition == expected.condition, "\(model): \(String(describing: item))")
            #expect(item?.conditionReason?.token == expected.why, "\(model): \(String(describing: item))")
        }
        #expect(plan.items.count == c.expect.count)
    }

    /// Every token the planner can emit shows up in the table above, so each one has a case that
    /// pins down when it is emitted. (``ReasonToken/waitingToRetry`` comes from ``Retries``.)
    @Test func theTableCoversEveryReasonToken() {
        // ActionFailed, WorkAbandoned and NotStarted end a ModelRun (ModelRunTests.everyEndCarriesItsReasonToken).
        var seen: Set<ReasonToken> = [.waitingToRetry, .actionFailed, .workAbandoned, .notStarted]
        for c in Self.cases {
            for e in c.expect.values {
                seen.formUnion(e.steps.map(\.token))
                if let why = e.why { seen.insert(why) }
            }
        }
        #expect(Set(ReasonToken.allCases).subtracting(seen).isEmpty, "no case for \(Set(ReasonToken.allCases).subtracting(seen))")
    }

    @Test func warningsAreTypedAndSayWhatToDo() {
        let broken = ManifestError(file: "manifests/x.json", position: nil, path: "", message: "invalid JSON")
        let withheld = Self.plan(Self.cases.first { $0.name.hasPrefix("manifest removed while another file is invalid") }!)
        #expect(withheld.warnings == [.invalidManifest(broken), .retirementWithheldForErrors(models: ["iris"])])
        #expect(withheld.warnings.map(\.description) == [
            "invalid manifest: \(broken)",
            "not retiring iris: some manifest files failed to load, and a broken file must never look like a removed model. Fix the errors and run again",
        ])
        let all = Self.plan(Self.cases.first { $0.name.hasPrefix("every manifest removed → retirement withheld") }!)
        #expect(all.warnings == [.retirementWithheldForAll(models: ["iris", "tree"])])
        #expect(all.warnings.first?.description
                == "not retiring iris, tree: that would retire every published model at once. If that is intended, run again with --allow-empty")
        #expect(withheld.warnings.map(\.isInvalidManifest) == [true, false])
    }

    @Test func planIsPureAndDeterministic() {
        let c = Self.cases.first { $0.name.hasPrefix("deploy changed") }!
        let observed = ObservedState(models: Dictionary(uniqueKeysWithValues: c.observed.map { ($0.name, $0) }))
        let set = ManifestSet(manifests: c.desired.map(\.manifest))
        let a = Planner().plan(desired: c.desired, manifests: set, observed: observed)
        let b = Planner().plan(desired: c.desired.reversed(), manifests: set, observed: observed)
        #expect(a == b)
    }

    @Test func reasonsSayWhatChanged() {
        let data = Planner().plan(desired: [Self.desired(Self.base, data: Self.newData)], manifests: ManifestSet(),
                                  observed: ObservedState(models: ["iris": Self.published(Self.base)]))
        #expect(data.actions.first?.reason.message.contains("data changed") == true)
        let algo = Planner().plan(desired: [Self.desired(Self.manifest(params: ["nEstimators": 10]))], manifests: ManifestSet(),
                                  observed: ObservedState(models: ["iris": Self.published(Self.base)]))
        #expect(algo.actions.first?.reason == Reason(.algorithmChanged, "algorithm changed: nEstimators 100 → 10"))
        let rejected = Planner().plan(
            desired: [Self.desired(Self.manifest(params: ["nEstimators": 10]))], manifests: ManifestSet(),
            observed: ObservedState(models: ["iris": Self.adding(Self.manifest(params: ["nEstimators": 10]), passed: false, to: Self.published(Self.base))]))
        #expect(rejected.items.first?.message.contains("accuracy 0.5 < min 0.9") == true)
        #expect(rejected.items.first?.message.contains("stays in service") == true)
    }

    static func trainReason(_ m: Manifest, over published: Manifest = PlannerTests.base) -> String? {
        Planner().plan(desired: [desired(m)], manifests: ManifestSet(), observed: ObservedState(models: ["iris": Self.published(published)]))
            .actions.first { $0.kind == .train }?.reason.message
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
        #expect(reason.message == "replaces \(champion)")
        let evaluated = Planner().plan(desired: [Self.desired(Self.manifest(params: ["nEstimators": 10]))], manifests: ManifestSet(),
                                       observed: ObservedState(models: ["iris": Self.adding(Self.manifest(params: ["nEstimators": 10]), passed: nil, to: Self.published(Self.base))]))
        #expect(evaluated.actions.map(\.kind) == [.evaluate, .publish])
        #expect(evaluated.actions.allSatisfy { !$0.reason.message.contains("gate passes") }, "\(evaluated.actions)")
    }

    @Test func aRollbackSaysThatMaxRegressionIsNotCheckedAgain() {
        let withRegression = Self.manifest(gate: [GateRule(metric: "accuracy", min: 0.9, maxRegression: 0.02)])
        let newer = Self.manifest(params: ["nEstimators": 10], gate: withRegression.gate)
        let observed = Self.adding(withRegression, passed: true, to: Self.published(newer))
        let plan = Planner().plan(desired: [Self.desired(withRegression)], manifests: ManifestSet(), observed: ObservedState(models: ["iris": observed]))
        #expect(plan.actions.map(\.kind) == [.publish])
        let champion = VersionIdentity.short(VersionIdentity.id(newer, dataDigest: Self.data, testDigest: nil))
        #expect(plan.actions.first?.reason.message.contains("replaces \(champion)") == true, "\(plan.actions)")
        #expect(plan.actions.first?.reason.message.contains("maxRegression is not checked against \(champion)") == true, "\(plan.actions)")
        // Without a maxRegression rule there is nothing to warn about.
        let plain = Planner().plan(desired: [Self.desired(Self.base)], manifests: ManifestSet(),
                                   observed: ObservedState(models: ["iris": Self.adding(Self.base, passed: true, to: Self.published(Self.manifest(params: ["nEstimators": 10])))]))
        #expect(plain.actions.first?.reason.message.contains("maxRegression") == false)
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

    /// The sentence of a retrain names the snapshot, its rows and the breach; the version trained
    /// on the snapshot is another version than the champion.
    @Test func aFeedbackRetrainSaysWhichSnapshotAndWhichBreach() throws {
        let plan = Planner().plan(desired: [Self.retrain()], manifests: ManifestSet(), observed: ObservedState(models: ["iris": Self.published(Self.base)]))
        let train = try #require(plan.actions.first)
        #expect(train.kind == .train && train.reason.token == .feedbackRetrain)
        #expect(train.reason.message == "retrain on feedback snapshot ffffffff… (40 labelled rows to train on, 12 held out to gate on) after "
                + Self.snapshot.trigger)
        #expect(Self.onFeedback() != Self.version(Self.base) && Self.retrain().versionID == Self.onFeedback())
        #expect(Self.retrain().baseVersionID == Self.version(Self.base), "snapshots are kept under the inputs without them")
        // No champion yet: the snapshot is still the reason.
        let first = Planner().plan(desired: [Self.retrain()], manifests: ManifestSet(),
                                   observed: ObservedState(models: ["iris": Self.adding(Self.ten, passed: true, to: ObservedModel(name: "iris"))]))
        #expect(first.actions.first?.reason.token == .feedbackRetrain)
        // The champion was trained on a snapshot, the desired model has none (its inputs changed since).
        let changed = Planner().plan(desired: [Self.desired(Self.ten)], manifests: ManifestSet(), observed: ObservedState(models: ["iris": Self.publishedOnFeedback()]))
        #expect(changed.actions.first?.reason == Reason(.inputsChanged,
            "algorithm changed: nEstimators 100 → 10, no feedback snapshot (\(VersionIdentity.short(Self.onFeedback())) was trained on one)"))
    }
}
