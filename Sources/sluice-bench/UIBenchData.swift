import Foundation
import SluiceController
import SluiceCore
import SluiceLearn
import SluiceManifest
import SluiceMonitor
import SluiceReconcile

/// Synthetic records for the web UI's benchmark (`sluice-bench ui`): `count` models named
/// `m-00000`…, each with three versions, their verdicts, three publications (the first two
/// retired), six events and a condition; one in 20 failed, one in 20 rejected (its newest version
/// failed the gate), one in 20 suspended, one in 10 monitored and drifted; labels `team` and `tier`.
/// Plus `big`, with `bigVersions` versions (a verdict each, a publication every fifth).
/// Deterministic: the same arguments give the same records.
struct UIBenchData {
    let records: StoreRecords
    let manifests: [Manifest]
    let plan: Plan

    static let start = Date(timeIntervalSince1970: 1_767_225_600)
    static let teams = ["vision", "food", "risk", "search", "ads"]
    static let tiers = ["gold", "silver", "bronze"]

    static func name(_ i: Int) -> String { "m-" + String(String(i + 100_000).dropFirst()) }

    init(count: Int, bigVersions: Int) {
        var versions: [VersionRecord] = [], verdicts: [VerdictRecord] = [], publications: [PublicationRecord] = []
        var events: [EventRecord] = [], conditions: [ConditionRecord] = [], monitors: [MonitorState] = []
        var manifests: [Manifest] = [], items: [PlanItem] = []
        func at(_ hours: Double) -> Date { Self.start.addingTimeInterval(hours * 3_600) }

        func model(_ name: String, index i: Int, versionCount: Int, publishEvery: Int) {
            var manifest = Self.manifest(name, index: i)
            let failed = i % 20 == 0, rejected = i % 20 == 1, monitored = i % 10 == 5
            manifest.suspend = i % 20 == 2
            if monitored { manifest.monitor = MonitorSpec() }
            manifests.append(manifest)
            var champion: (id: String, accuracy: Double)?
            var published: String?
            for n in 0..<versionCount {
                let id = SHA256.hex(of: "\(name)#\(n)")
                let accuracy = 0.86 + Double((i * 7 + n * 13) % 10) / 100
                let last = n == versionCount - 1
                let fails = rejected && last
                var inputs = VersionIdentity.document(manifest, dataDigest: SHA256.hex(of: "data \(name) \(n)"), testDigest: nil)
                if case .object(var o) = inputs {
                    o["params"] = .object(["maxDepth": .number(Double(3 + n % 5)), "seed": 42])
                    inputs = .object(o)
                }
                versions.append(VersionRecord(
                    model: name, id: id, artifactDigest: SHA256.hex(of: "artifact \(name) \(n)"), inputs: inputs,
                    manifestDigest: SHA256.hex(of: "manifest \(name) \(n)"), manifestFile: manifest.origin.file,
                    dataDigest: SHA256.hex(of: "data \(name) \(n)"), testDigest: nil,
                    metrics: ["accuracy": fails ? 0.71 : accuracy, "f1_macro": (fails ? 0.71 : accuracy) - 0.01], evaluation: .object([:]),
                    trainSeconds: 0.25, trainedAt: at(Double(n)), revision: String(SHA256.hex(of: "revision \(n)").prefix(40))))
                let report = GateReport.evaluate(manifest.gate, candidate: ["accuracy": fails ? 0.71 : accuracy],
                                                 champion: champion.map { ["accuracy": $0.accuracy] })
                verdicts.append(VerdictRecord(
                    model: name, version: id, gateDigest: "gate-\(name)", gate: .array([]), passed: !fails, summary: report.summary,
                    details: report.json, champion: champion?.id, evaluatedAt: at(Double(n) + 0.1), revision: nil))
                events.append(EventRecord(at: at(Double(n)), model: name, kind: .trained, message: "trained version \(VersionIdentity.short(id))", revision: nil))
                if fails {
                    events.append(EventRecord(at: at(Double(n) + 0.1), model: name, kind: .rejected, message: report.summary, revision: nil))
                } else if n % publishEvery == 0 || last {
                    if let previous = published, let p = publications.lastIndex(where: { $0.model == name && $0.version == previous }) {
                        publications[p].retiredAt = at(Double(n) + 0.2)
                    }
                    publications.append(PublicationRecord(
                        model: name, version: id, deploy: manifest.deploy, artifactDigest: SHA256.hex(of: "artifact \(name) \(n)"),
                        publishedAt: at(Double(n) + 0.2), revision: nil, reason: published == nil ? "first version" : "replaces the champion"))
                    events.append(EventRecord(at: at(Double(n) + 0.2), model: name, kind: .published,
                                              message: "published version \(VersionIdentity.short(id)) to \(manifest.deploy)", revision: nil))
                    published = id
                    champion = (id, accuracy)
                }
            }
            let condition: Condition = manifest.suspend ? .suspended : failed ? .failed : rejected ? .rejected : .ready
            let message = failed ? "examples/data/\(name).csv: no such file; check spec.dataset.source" : ""
            conditions.append(ConditionRecord(model: name, condition: condition.rawValue, message: message, version: published,
                                              since: at(1), checkedAt: at(Double(versionCount)), revision: nil))
            if failed { events.append(EventRecord(at: at(Double(versionCount)), model: name, kind: .failed, message: message, revision: nil)) }
            if monitored, let published { monitors.append(Self.drifted(name, version: published, at: at(Double(versionCount)))) }
            let reason = Reason(.upToDate, "version \(VersionIdentity.short(published ?? "")) is published to \(manifest.deploy)")
            if i % 25 == 3 {
                let next = SHA256.hex(of: "\(name)#next")
                items.append(PlanItem(model: name, actions: [
                    .train(version: next, reason: Reason(.dataChanged, "the data changed")),
                    .publish(version: next, target: manifest.deploy, reason: Reason(.replacesChampion, "replaces the champion"), ifGatePasses: true),
                ], condition: .progressing))
            } else {
                items.append(PlanItem(model: name, actions: [], condition: condition, reason: reason))
            }
        }

        for i in 0..<count { model(Self.name(i), index: i, versionCount: 3, publishEvery: 1) }
        if bigVersions > 0 { model("big", index: 7, versionCount: bigVersions, publishEvery: 5) }
        records = StoreRecords(versions: versions, verdicts: verdicts, publications: publications, events: events.sorted { $0.at < $1.at },
                               conditions: conditions, monitorStates: monitors)
        self.manifests = manifests
        plan = Plan(items: items.sorted { $0.model < $1.model })
    }

    static func manifest(_ name: String, index i: Int) -> Manifest {
        Manifest(
            name: name, labels: ["team": teams[i % teams.count], "tier": tiers[i % tiers.count]], task: .classification,
            dataset: DatasetSpec(source: "examples/data/\(name).csv", target: "species", features: nil, split: SplitSpec(), test: nil, sha256: nil, testSha256: nil),
            algorithm: "decision_tree", params: ["maxDepth": .number(Double(3 + i % 5)), "seed": 42],
            gate: [GateRule(metric: "accuracy", min: 0.8), GateRule(metric: "accuracy", maxRegression: 0.02)],
            deploy: .directory(path: "deploy/\(name)"), suspend: false, retired: false,
            origin: .init(file: "manifests/\(name).json", position: .init(line: 1, column: 1)))
    }

    /// A monitored model whose `Drifted` condition is breached, with a report as `sluice run` records it.
    static func drifted(_ name: String, version: String, at: Date) -> MonitorState {
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
            "conditions": .array([drift.json]),
        ]
        return MonitorState(model: name, version: version, checkedAt: at, conditions: [.init(condition: drift, since: at.addingTimeInterval(-3_600), breached: true)],
                            report: report.canonical())
    }
}
