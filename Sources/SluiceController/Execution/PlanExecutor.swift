import Foundation
import Synchronization
import Logging
import SluiceCore
import SluiceLearn
import SluiceManifest
import SluiceReconcile
import SluiceSystem

/// Carries out a plan: train → evaluate → publish → retire, model by model. A model's failure
/// becomes its condition and never stops the others.
public struct PlanExecutor: Sendable {
    public let store: any Store
    public let data: DataResolver
    /// The deployment targets: ``TargetFactory`` in production.
    public let targets: any TargetProvider
    /// The time recorded on everything written (when a version was trained, evaluated, published, retired).
    public let clock: any WallClock
    public let logger: Logger
    /// The git revision of the manifests, recorded on everything written.
    public let revision: String?
    /// Called with a short line before each slow step (for a progress line on a terminal).
    public let progress: @Sendable (String) -> Void
    /// Trained versions shared with other runs (`--cache`): consulted before training, filled after.
    public let cache: VersionCache?
    /// Raised on shutdown: training stops at its next checkpoint, and no new model is started.
    /// A publish under way always finishes (it is short, and atomic anyway).
    public let cancellation: CancellationFlag?
    /// The writer lease this run holds, or a replica's claims (``Holding``). Every write to a
    /// deployment target is fenced by it (``Holding/confirm()`` right before the rename or the
    /// request), and once it is lost
    /// no new model is started and training stops, as on shutdown.
    public let lease: (any Holding)?

    public init(store: any Store, data: DataResolver, targets: any TargetProvider, logger: Logger, revision: String?,
                cache: VersionCache? = nil, cancellation: CancellationFlag? = nil, lease: (any Holding)? = nil,
                clock: any WallClock = SystemClock(), progress: @escaping @Sendable (String) -> Void = { _ in }) {
        self.store = store
        self.data = data
        self.targets = targets
        self.clock = clock
        self.logger = logger
        self.revision = revision
        self.cache = cache
        self.cancellation = cancellation
        self.lease = lease
        self.progress = progress
    }

    /// Why work must stop (shutdown, or the lease lost), if it must.
    var stopReason: String? {
        if let lost = lease?.lostReason { return lost }
        return cancellation?.isCancelled == true ? "shutting down" : nil
    }

    /// The fence of every target write: the lease, confirmed right before it commits.
    var fence: WriteFence { { [lease] in try lease?.confirm() } }

    /// Carries out every item of `plan`, up to `concurrency` models at a time; the actions of
    /// one model always run in order, on one thread.
    public func apply(_ plan: Plan, desired: [DesiredModel], observed: ObservedState, concurrency: Int = 1) -> ApplyReport {
        let byName = Dictionary(uniqueKeysWithValues: desired.map { ($0.manifest.name, $0) })
        // Where each model that stays published deploys, so that retiring another model (removed,
        // renamed, moved away) never deletes the files of the model that deploys there now.
        let claimed = Dictionary(desired.filter { !$0.manifest.retired }.map { (targets.identity($0.manifest.deploy), $0.manifest.name) },
                                 uniquingKeysWith: { a, _ in a })
        let items = plan.items
        let results = Mutex([(ModelOutcome, ModelRun.Counts)?](repeating: nil, count: items.count))
        let next = Atomic<Int>(0)
        let work = { @Sendable (_: Int) in
            while true {
                let i = next.add(1, ordering: .relaxed).oldValue
                guard i < items.count else { return }
                let item = items[i]
                let run = apply(item, desired: byName[item.model], observed: observed[item.model], claimed: claimed)
                results.withLock { $0[i] = (ModelOutcome(item.model, run), run.counts) }
            }
        }
        let workers = max(1, min(concurrency, items.filter { !$0.actions.isEmpty }.count))
        if workers == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: workers, execute: work) }
        var report = ApplyReport(warnings: plan.warnings.map(ApplyWarning.plan))
        for case let (outcome, counts)? in results.withLock({ $0 }) {
            report.outcomes.append(outcome)
            report.trained += counts.trained
            report.evaluated += counts.evaluated
            report.published += counts.published
            report.retired += counts.retired
        }
        return report
    }

    /// What is recorded for a publish that depended on the gate: what happened (the gate passed,
    /// the version replaced), not the plan's conditional wording. The token stays the planned one.
    static func recordedReason(_ planned: Reason, verdict: Verdict?, replacing previous: Publication?, version: String) -> Reason {
        guard let verdict, verdict.passed else { return planned }
        let replaced = previous.flatMap { $0.version == version ? nil : "; replaced \(VersionIdentity.short($0.version))" } ?? ""
        return Reason(planned.token, "gate passed (\(verdict.summary))\(replaced)")
    }

    func headline(_ metrics: [String: Double]) -> String {
        if let a = metrics["accuracy"] { return "accuracy \(String(format: "%.4f", a))" }
        return metrics.keys.sorted().first.map { "\($0) \(String(format: "%.4f", metrics[$0]!))" } ?? "no metrics"
    }

    /// Records an event (URLs in its message redacted).
    func event(_ model: String, _ kind: EventKind, _ message: String) throws {
        try store.recordEvent(EventRecord(at: clock.now, model: model, kind: kind, message: Redaction.text(message), revision: revision))
    }

    /// Trains a version and records it with its artifact.
    /// Trains a version (or takes it from the cache) and records it with its artifact.
    /// - Returns: the record, and whether it came from the cache.
    public func train(_ d: DesiredModel, version: String) throws -> (VersionRecord, reused: Bool) {
        let m = d.manifest
        if let cache, let (cached, bytes) = cache.get(version) {
            var record = cached
            record.model = m.name
            record.manifestFile = m.origin.file
            record.manifestDigest = m.digest
            _ = try store.putArtifact(bytes)
            try store.recordVersion(record)
            try event(m.name, .trained, "reused \(VersionIdentity.short(version)) from the cache \(cache.path) (\(headline(record.metrics)))")
            return (record, true)
        }
        let record = try trainNow(d, version: version)
        if let cache {
            do { try cache.put(record, artifact: try store.artifact(record.artifactDigest)) } catch {
                logger.warning("cannot write to the version cache", metadata: ["cache.path": "\(cache.path)", "error": "\(error)"])
            }
        }
        return (record, false)
    }

    private func trainNow(_ d: DesiredModel, version: String) throws -> VersionRecord {
        let m = d.manifest
        guard case .resolved(let dataDigest, let testDigest) = d.data else { throw DataError("data unavailable") }
        let spec = m.trainingSpec
        let parts = try frames(d)
        let start = ContinuousClock.now
        let outcome: TrainingOutcome
        let progress = self.progress
        let label = "\(m.name): training \(m.algorithm)"
        do {
            let (cancellation, lease) = (self.cancellation, self.lease)
            outcome = try Trainer.train(spec, train: parts.train, test: parts.test, reference: parts.reference) { done in
                progress("\(label) \(Int(done * 100))%")
                return cancellation?.isCancelled != true && lease?.isLost != true
            }
        } catch let e as LearnError where !e.isCancellation {
            throw DataError("training failed: \(e.message) (manifest \(m.origin.file), data \(Redaction.url(m.dataset.source)))")
        }
        let elapsed = ContinuousClock.now - start
        let digest = try store.putArtifact(outcome.bytes)
        let record = VersionRecord(
            model: m.name, id: version, artifactDigest: digest, inputs: Redaction.json(m.trainingInputs), manifestDigest: m.digest,
            manifestFile: m.origin.file, dataDigest: dataDigest, testDigest: testDigest, metrics: outcome.evaluation.metrics,
            evaluation: PlanExecutor.evaluationJSON(outcome.evaluation, trainRows: outcome.trainRows),
            trainSeconds: elapsed.seconds,
            trainedAt: clock.now, revision: revision, feedbackDigest: d.feedback?.digest)
        try store.recordVersion(record)
        try event(m.name, .trained, "trained \(VersionIdentity.short(version)) (\(headline(record.metrics)))")
        return record
    }

    static func evaluationJSON(_ e: Evaluation, trainRows: Int) -> JSON {
        var o: [String: JSON] = ["testRows": .number(Double(e.rows)), "trainRows": .number(Double(trainRows))]
        if let confusion = e.confusion {
            o["labels"] = .strings(e.labels)
            o["confusion"] = .array(confusion.rows.map(JSON.integers))
        }
        return .object(o)
    }

    /// Evaluates the gate of a version against the champion in the store and records the verdict.
    func evaluate(_ d: DesiredModel, version: String, champion: Publication?) throws -> GateReport {
        let m = d.manifest
        let source = champion.map { p in
            ChampionSource(version: p.version, digest: p.artifactDigest, origin: .store) { [store] in try store.artifact(p.artifactDigest) }
        }
        let (gate, measured) = try gateReport(d, version: version, champion: source)
        try store.recordVerdict(VerdictRecord(
            model: m.name, version: version, gateDigest: m.gateDigest, gate: m.gateJSON, passed: gate.passed, summary: gate.summary,
            details: gate.json, champion: measured == nil ? nil : champion?.version, evaluatedAt: clock.now, revision: revision))
        try event(m.name, gate.passed ? .evaluated : .rejected,
                  "gate \(gate.passed ? "passed" : "failed") for \(VersionIdentity.short(version)): \(gate.summary)")
        return gate
    }

    /// Computes a version's gate report without recording it: the candidate's stored metrics, and
    /// the champion (when a rule needs it) measured on the candidate's test data.
    /// - Returns: the report and the champion's metrics, if it was measured.
    public func gateReport(_ d: DesiredModel, version: String, champion: ChampionSource?) throws -> (GateReport, [String: Double]?) {
        let m = d.manifest
        guard let candidate = try store.version(model: m.name, id: version) else {
            throw StoreError("version \(VersionIdentity.short(version)) is not in the store")
        }
        var championMetrics: [String: Double]?
        var championNote: String?
        if let champion, champion.version != version, GateReport.needsChampion(m.gate) {
            // A champion that cannot be read or decoded is an error, not a skipped rule: a corrupt
            // or mistyped baseline must not let a regression through. (The store's own champion,
            // digest-checked when stored, whose artifact is gone — a store restored without its
            // artifacts — cannot be republished either: its rule is skipped with the reason rather
            // than blocking the model for good.)
            var artifact: ModelArtifact?
            do { artifact = try ModelArtifact.decode(try champion.load(), expectedDigest: champion.digest) } catch {
                guard champion.origin == .store else {
                    throw GateError("champion \(VersionIdentity.short(champion.version)) from \(champion.origin) cannot be loaded, so \(m.name)'s maxRegression rule cannot be checked: \(error). Fix or remove it, or republish the champion")
                }
                championNote = "champion \(VersionIdentity.short(champion.version)) cannot be loaded from the store: \(error)"
            }
            if let artifact {
                do {
                    let test = try frames(d).test
                    championMetrics = try Trainer.evaluate(artifact, on: test).metrics
                } catch {
                    championNote = "champion \(VersionIdentity.short(champion.version)) cannot be measured on the candidate's test data: \(error)"
                }
            }
        }
        var gate = GateReport.evaluate(m.gate, candidate: candidate.metrics, champion: championMetrics,
                                      candidateInService: champion?.version == version)
        if let championNote {
            for i in gate.outcomes.indices where gate.outcomes[i].status == .skipped {
                gate.outcomes[i].message = "\(gate.outcomes[i].metric) maxRegression skipped: \(championNote)"
            }
        }
        return (gate, championMetrics)
    }

    /// Publishes a stored version to a target and records the publication: a `repaired` event
    /// when the reason is ``ReasonToken/targetDrifted``, else a `published` one.
    func publish(_ model: String, version: String, to deploy: DeploySpec, reason: Reason, manifest: Manifest?) throws {
        guard let record = try store.version(model: model, id: version) else {
            throw StoreError("version \(VersionIdentity.short(version)) is not in the store")
        }
        let bytes = try store.artifact(record.artifactDigest)
        let verdict = try store.verdicts(model: model).last { $0.version == version }
        let now = clock.now
        let formats = manifest?.formats ?? PublishFormat.standard
        let files = try FormatFiles.make(formats, artifact: bytes, digest: record.artifactDigest, model: model)
        var metadata = PlanExecutor.metadata(record, verdict: verdict, bytes: bytes.count, publishedAt: now, revision: revision, deploy: deploy)
        if case .object(var o) = metadata {
            if let feedback = try feedbackLineage(record), case .object(var lineage)? = o["lineage"] {
                lineage["feedback"] = feedback
                o["lineage"] = .object(lineage)
            }
            // Only when there are other formats: metadata.json of other models stays byte for byte as it was.
            if !files.isEmpty { o["formats"] = .object(Dictionary(uniqueKeysWithValues: files.map { ($0.format.rawValue, $0.metadata) })) }
            metadata = .object(o)
        }
        try targets.target(deploy).publish(artifact: bytes, metadata: metadata.canonicalBytes(pretty: true), files: files, fence: fence)
        try store.recordPublication(PublicationRecord(
            model: model, version: version, deploy: deploy, formats: formats, artifactDigest: record.artifactDigest,
            publishedAt: now, revision: revision, reason: reason.message))
        try event(model, reason.token == .targetDrifted ? .repaired : .published,
                  "published \(VersionIdentity.short(version)) to \(deploy.summary): \(reason.message)")
    }

    /// The `metadata.json` published beside `model.json`.
    static func metadata(_ v: VersionRecord, verdict: VerdictRecord?, bytes: Int, publishedAt: Date, revision: String?, deploy: DeploySpec) -> JSON {
        let iso = ISO8601DateFormatter()
        return [
            "model": .string(v.model),
            "version": .string(v.id),
            "artifact": ["file": "model.json", "sha256": .string(v.artifactDigest), "bytes": .number(Double(bytes))],
            "metrics": .object(v.metrics.mapValues(JSON.number)),
            "gate": verdict.map { ["passed": .bool($0.passed), "summary": .string($0.summary), "rules": $0.details] } ?? .null,
            "lineage": [
                "manifest": .string(v.manifestFile),
                "manifestDigest": .string(v.manifestDigest),
                "inputs": Redaction.json(v.inputs),
                "dataDigest": .string(v.dataDigest),
                "testDigest": v.testDigest.map(JSON.string) ?? .null,
                "revision": v.revision.map(JSON.string) ?? .null,
                "trainedAt": .string(iso.string(from: v.trainedAt)),
                "publishedAt": .string(iso.string(from: publishedAt)),
                "publishedRevision": revision.map(JSON.string) ?? .null,
            ],
            "formatVersion": .number(Double(ModelArtifact.formatVersion)),
            "engineVersion": .number(Double(ModelArtifact.engineVersion)),
        ]
    }
}
