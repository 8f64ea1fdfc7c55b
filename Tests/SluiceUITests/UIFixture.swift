import Foundation
import SluiceController
import SluiceCore
import SluiceManifest
import SluiceMonitor
import SluiceReconcile
import SluiceTesting
@testable import SluiceUI

/// A fixed store and plan for the pages' tests, at a fixed time (2026-01-01 00:00:00Z + 1 day):
///
/// - `iris`: ready; three versions published one after another (accuracy 0.90, 0.93, 0.9667),
///   the last in service; labels `team=vision`, `tier=gold`.
/// - `wine`: rejected: its newest version failed the gate (accuracy 0.71 < 0.8); the older one serves.
/// - `broken`: failed: its dataset does not read; never trained.
/// - `paused`: suspended in its manifest; one version in service.
/// - `drifty`: in service and monitored; `Drifted` breached (petal_length PSI 0.41).
/// - `pending-new`: in the manifests only; the plan trains and publishes it.
/// - `gone`: in the store only (its manifest was removed; retired).
///
/// With `hostile`, the names, labels and messages a user controls carry markup that must come out inert.
enum UIFixture {
    static let start = Date(timeIntervalSince1970: 1_767_225_600)
    static let now = start.addingTimeInterval(86_400)
    static let hostileLabel = "<script>alert('label')</script>"
    static let hostileMessage = "<img src=x onerror=alert(1)> & \"quoted\""

    /// A version id for a model and a number: 64 hex characters, fixed.
    static func id(_ model: String, _ n: Int) -> String {
        SHA256.hex(of: "\(model)#\(n)")
    }

    /// The pages over the fixture, at ``now``.
    static func ui(hostile: Bool = false, reconcile: UIContext.Reconcile? = .init(tokenRequired: false)) throws -> UI {
        let store = try self.store(hostile: hostile)
        let plan = self.plan(hostile: hostile)
        let clock = FixedClock(now)
        return try UI(context: UIContext(store: store, plans: PlanCache(now: { clock.now }) { plan }, reconcile: reconcile,
                                         clock: clock, server: "sluice ui"))
    }

    static func manifests(hostile: Bool) -> [Manifest] {
        var iris = ManifestBuilder("iris", gate: [GateRule(metric: "accuracy", min: 0.85), GateRule(metric: "accuracy", maxRegression: 0.02)]).manifest
        iris.labels = ["team": "vision", "tier": hostile ? hostileLabel : "gold"]
        var wine = ManifestBuilder("wine", source: "examples/data/wine.csv", target: "class", gate: [GateRule(metric: "accuracy", min: 0.8)]).manifest
        wine.labels = ["team": "food"]
        let broken = ManifestBuilder("broken", source: "data/missing.csv").manifest
        let paused = ManifestBuilder("paused", suspend: true).manifest
        var drifty = ManifestBuilder("drifty").manifest
        var monitor = MonitorSpec()
        monitor.server = "http://127.0.0.1:8080"
        drifty.monitor = monitor
        let pending = ManifestBuilder("pending-new").manifest
        return [iris, wine, broken, paused, drifty, pending]
    }

    static func plan(hostile: Bool) -> UIPlan {
        let deploy = DeploySpec.directory(path: "deploy/pending-new")
        let items = [
            PlanItem(model: "broken", actions: [], condition: .failed,
                     reason: Reason(.dataUnavailable, hostile ? hostileMessage : "data/missing.csv: no such file; check spec.dataset.source")),
            PlanItem(model: "drifty", actions: [], condition: .ready, reason: Reason(.upToDate, "version \(VersionIdentity.short(id("drifty", 1))) is published to directory deploy/drifty")),
            PlanItem(model: "iris", actions: [], condition: .ready, reason: Reason(.upToDate, "version \(VersionIdentity.short(id("iris", 3))) is published to directory deploy/iris")),
            PlanItem(model: "paused", actions: [], condition: .suspended, reason: Reason(.suspended, "spec.suspend is true")),
            PlanItem(model: "pending-new", actions: [
                .train(version: id("pending-new", 1), reason: Reason(.firstVersion, "no version of this model exists yet")),
                .publish(version: id("pending-new", 1), target: deploy, reason: Reason(.newVersion, "a new version replaces none"), ifGatePasses: true),
            ], condition: .progressing),
            PlanItem(model: "wine", actions: [], condition: .rejected,
                     reason: Reason(.gateFailed, "version \(VersionIdentity.short(id("wine", 2))) failed its gate: accuracy 0.71 < min 0.8")),
        ]
        return UIPlan(plan: Plan(items: items, warnings: []), manifests: manifests(hostile: hostile), revision: "0123456789abcdef0123456789abcdef01234567",
                      madeAt: now.addingTimeInterval(-3))
    }

    static func store(hostile: Bool) throws -> InMemoryStore {
        let store = InMemoryStore()
        let manifests = Dictionary(uniqueKeysWithValues: manifests(hostile: hostile).map { ($0.name, $0) })
        func at(_ hours: Double) -> Date { start.addingTimeInterval(hours * 3_600) }
        func version(_ model: String, _ n: Int, accuracy: Double, f1: Double, hours: Double, params: [String: JSON] = [:]) throws {
            var inputs = manifests[model].map { VersionIdentity.document($0, dataDigest: "d\(n)", testDigest: nil) } ?? .object([:])
            // The parameters where a version's inputs keep them (``Manifest/trainingInputs``: inputs.algorithm.params).
            if !params.isEmpty, case .object(var document) = inputs, case .object(var training)? = document["inputs"],
               case .object(var algorithm)? = training["algorithm"] {
                algorithm["params"] = .object((algorithm["params"]?.objectValue ?? [:]).merging(params) { _, new in new })
                training["algorithm"] = .object(algorithm)
                document["inputs"] = .object(training)
                inputs = .object(document)
            }
            try store.recordVersion(VersionRecord(
                model: model, id: id(model, n), artifactDigest: SHA256.hex(of: "artifact \(model) \(n)"), inputs: inputs,
                manifestDigest: SHA256.hex(of: "manifest \(model) \(n)"), manifestFile: "manifests/\(model).json",
                dataDigest: SHA256.hex(of: "data \(model) \(n)"), testDigest: nil,
                metrics: ["accuracy": accuracy, "f1_macro": f1], evaluation: .object([:]), trainSeconds: 0.25,
                trainedAt: at(hours), revision: String(repeating: "\(n)", count: 40)))
        }
        func verdict(_ model: String, _ n: Int, passed: Bool, hours: Double, champion: Int?, candidate: Double, championValue: Double?) throws {
            let rules = manifests[model]?.gate ?? []
            let report = GateReport.evaluate(rules, candidate: ["accuracy": candidate], champion: championValue.map { ["accuracy": $0] })
            try store.recordVerdict(VerdictRecord(
                model: model, version: id(model, n), gateDigest: "gate-\(model)", gate: .array([]), passed: passed, summary: report.summary,
                details: report.json, champion: champion.map { id(model, $0) }, evaluatedAt: at(hours), revision: nil))
        }
        func publish(_ model: String, _ n: Int, hours: Double, retired: Double? = nil) throws {
            try store.recordPublication(PublicationRecord(
                model: model, version: id(model, n), deploy: .directory(path: "deploy/\(model)"),
                artifactDigest: SHA256.hex(of: "artifact \(model) \(n)"), publishedAt: at(hours),
                retiredAt: retired.map(at), revision: nil, reason: n == 1 ? "first version" : "replaces the champion"))
        }
        func event(_ model: String, _ kind: EventKind, _ message: String, hours: Double) throws {
            try store.recordEvent(EventRecord(at: at(hours), model: model, kind: kind, message: message, revision: nil))
        }
        // iris: three published versions, the last in service.
        for (n, (acc, f1)) in [(0.90, 0.89), (0.93, 0.925), (0.9667, 0.9666)].enumerated() {
            try version("iris", n + 1, accuracy: acc, f1: f1, hours: Double(n * 4), params: ["max_depth": .number(Double(3 + n))])
            try verdict("iris", n + 1, passed: true, hours: Double(n * 4) + 0.1, champion: n == 0 ? nil : n, candidate: acc, championValue: n == 0 ? nil : [0.90, 0.93][n - 1])
            try publish("iris", n + 1, hours: Double(n * 4) + 0.2, retired: n < 2 ? Double((n + 1) * 4) + 0.2 : nil)
            try event("iris", .trained, "trained version \(VersionIdentity.short(id("iris", n + 1)))", hours: Double(n * 4))
            try event("iris", .published, "published version \(VersionIdentity.short(id("iris", n + 1))) to directory deploy/iris", hours: Double(n * 4) + 0.2)
        }
        // wine: one in service, a newer one rejected.
        try version("wine", 1, accuracy: 0.86, f1: 0.85, hours: 1)
        try verdict("wine", 1, passed: true, hours: 1.1, champion: nil, candidate: 0.86, championValue: nil)
        try publish("wine", 1, hours: 1.2)
        try version("wine", 2, accuracy: 0.71, f1: 0.70, hours: 20)
        try verdict("wine", 2, passed: false, hours: 20.1, champion: 1, candidate: 0.71, championValue: 0.86)
        try event("wine", .rejected, "version \(VersionIdentity.short(id("wine", 2))) failed its gate: accuracy 0.71 < min 0.8", hours: 20.1)
        // paused and drifty: one version each in service; gone: retired.
        for model in ["paused", "drifty", "gone"] {
            try version(model, 1, accuracy: 0.95, f1: 0.94, hours: 2)
            try verdict(model, 1, passed: true, hours: 2.1, champion: nil, candidate: 0.95, championValue: nil)
            try publish(model, 1, hours: 2.2, retired: model == "gone" ? 10 : nil)
        }
        try event("gone", .retired, "retired version \(VersionIdentity.short(id("gone", 1))) from directory deploy/gone: its manifest was removed", hours: 10)
        try event("broken", .failed, hostile ? hostileMessage : "data/missing.csv: no such file; check spec.dataset.source", hours: 23)
        // What the last cycle recorded.
        func condition(_ model: String, _ c: Condition, _ message: String, version: Int?) -> ConditionRecord {
            ConditionRecord(model: model, condition: c.rawValue, message: message, version: version.map { id(model, $0) },
                            since: at(12), checkedAt: at(23.5), revision: "0123456789abcdef0123456789abcdef01234567")
        }
        try store.recordConditions([
            condition("iris", .ready, "", version: 3),
            condition("wine", .rejected, "version \(VersionIdentity.short(id("wine", 2))) failed its gate: accuracy 0.71 < min 0.8", version: 1),
            condition("broken", .failed, hostile ? hostileMessage : "data/missing.csv: no such file; check spec.dataset.source", version: nil),
            condition("paused", .suspended, "spec.suspend is true", version: 1),
            condition("drifty", .ready, "", version: 1),
            condition("gone", .retired, "its manifest was removed", version: nil),
        ])
        // drifty's monitoring: Drifted, breached.
        let drift = MonitorCondition(kind: .drifted, reason: .featureDrift, message: "petal_length PSI 0.41 ≥ 0.25", features: ["petal_length"])
        let report: JSON = [
            "rows": 1_200, "labelled": 300,
            "features": .array([
                ["name": "petal_length", "psi": 0.41, "ks": 0.3, "missingRate": 0, "referenceMissingRate": 0, "unknownRate": 0, "level": "breach"],
                ["name": "petal_width", "psi": 0.12, "ks": 0.1, "missingRate": 0, "referenceMissingRate": 0, "unknownRate": 0, "level": "warn"],
                ["name": "sepal_length", "psi": 0.02, "ks": 0.04, "missingRate": 0, "referenceMissingRate": 0, "unknownRate": 0, "level": "ok"],
            ]),
            "prediction": ["psi": 0.08],
            "metric": ["name": "accuracy", "test": 0.95],
            "live": ["metric": "accuracy", "value": 0.88, "labelled": 300, "low": 0.84, "high": 0.91],
            "estimate": ["accuracy": 0.9],
            "conditions": .array([drift.json]),
        ]
        try store.recordMonitor(MonitorState(model: "drifty", version: id("drifty", 1), checkedAt: at(23.9),
                                             conditions: [.init(condition: drift, since: at(20), breached: true)], report: report.canonical()),
                                events: [EventRecord(at: at(21), model: "drifty", kind: .breached, message: "Drifted on version \(VersionIdentity.short(id("drifty", 1))) has held for 1h", revision: nil)])
        return store
    }
}
