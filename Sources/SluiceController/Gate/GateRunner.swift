import Foundation
import SluiceCore
import SluiceLearn
import SluiceManifest
import SluiceReconcile
import SluiceSystem

/// `sluice gate`: trains (or reuses) each model's candidate and evaluates its gate against the
/// champion, publishing nothing. The champion comes from `--baseline DIR` when given, else from
/// the store, else from the files of the model's directory target.
public struct GateRunner: Sendable {
    /// Which models to gate and where to find champions.
    public struct Options: Sendable {
        /// Gate only these models (all when empty).
        public var only: Set<String> = []
        /// Gate only models whose manifest or data changed since this git revision.
        public var changedSince: String?
        /// A directory laid out like a serving repository (`DIR/NAME/model.json` + `metadata.json`).
        public var baseline: String?
        /// A model with a `maxRegression` rule and no champion to compare with fails its gate,
        /// instead of reporting the rule as skipped (`--require-champion`).
        public var requireChampion: Bool
        public init(only: Set<String> = [], changedSince: String? = nil, baseline: String? = nil, requireChampion: Bool = false) {
            self.only = only
            self.changedSince = changedSince
            self.baseline = baseline
            self.requireChampion = requireChampion
        }
    }

    public let reconciler: Reconciler

    public init(reconciler: Reconciler) { self.reconciler = reconciler }

    /// Gates the selected models.
    /// - Throws: ``GateError`` when `--changed-since` cannot be answered or the `--baseline`
    ///   directory does not exist, ``GitError`` when git fails; model problems are results.
    public func run(_ options: Options = Options(), progress: @escaping @Sendable (String) -> Void = { _ in }) throws -> GateRun {
        if let baseline = options.baseline { try checkBaseline(baseline) }
        let changed = try options.changedSince.map { try ChangedModels.since($0, root: reconciler.configuration.root) }
        let snapshot = try reconciler.snapshot()
        let executor = PlanExecutor(store: reconciler.store, data: reconciler.data, targets: reconciler.targets, logger: reconciler.logger,
                                revision: snapshot.revision, cache: reconciler.configuration.cache.map(VersionCache.init(path:)),
                                progress: progress)
        var run = GateRun(results: [], skipped: [], errors: snapshot.manifests.errors)
        for d in snapshot.desired where options.only.isEmpty || options.only.contains(d.manifest.name) {
            let m = d.manifest
            if m.suspend { run.skipped.append(GateSkip(model: m.name, reason: "suspended")); continue }
            if m.retired { run.skipped.append(GateSkip(model: m.name, reason: "retired")); continue }
            if let changed, changed.reason(m) == nil {
                run.skipped.append(GateSkip(model: m.name, reason: "unchanged since \(changed.revision) (manifest, dataset and test file)"))
                continue
            }
            var result = gate(d, observed: snapshot.observed[m.name], executor: executor, baseline: options.baseline, progress: progress)
            if options.requireChampion { Self.requireChampion(&result, looked: championPlaces(m, baseline: options.baseline)) }
            run.results.append(result)
        }
        return run
    }

    private func gate(_ d: DesiredModel, observed: ObservedModel, executor: PlanExecutor, baseline: String?,
                      progress: @Sendable (String) -> Void) -> GateResult {
        let m = d.manifest
        var result = GateResult(model: m.name, file: m.origin.file, trained: false, metrics: [:], evaluation: .null)
        do {
            guard let v = d.versionID, case .resolved(let dataDigest, _) = d.data else {
                guard case .failed(let why) = d.data else { fatalError("unreachable") }
                throw DataError(why)
            }
            result.version = v
            result.dataDigest = dataDigest
            var record = try reconciler.store.version(model: m.name, id: v)
            if record == nil || !reconciler.store.hasArtifact(record!.artifactDigest) {
                progress("\(m.name): training \(m.algorithm)")
                let (trained, reused) = try executor.train(d, version: v)
                record = trained
                result.trained = !reused
            }
            result.metrics = record!.metrics
            result.trainSeconds = record!.trainSeconds
            result.evaluation = record!.evaluation
            result.history = try history(m.name)
            let champion = try findChampion(m, observed: observed, baseline: baseline)
            let (report, championMetrics) = try executor.gateReport(d, version: v, champion: champion)
            result.report = report
            if let champion { result.champion = .init(version: champion.version, origin: champion.origin.description, metrics: championMetrics) }
        } catch {
            result.error = Redaction.text("\(error)")
        }
        return result
    }

    /// A missing (mistyped) baseline directory would silently mean "no champion anywhere", and a
    /// regression would pass: it is an error. An empty one is allowed (no model in production yet).
    func checkBaseline(_ baseline: String) throws {
        let path = PosixFiles.join(reconciler.configuration.root.path, baseline)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw GateError("--baseline \(baseline): no such directory (\(path)); check the path, or create it empty when no model is in production yet")
        }
        guard isDirectory.boolValue else {
            throw GateError("--baseline \(baseline) is a file, not a directory; it holds NAME/model.json and NAME/metadata.json for each model in production")
        }
    }

    /// `--require-champion`: each `maxRegression` rule that found nothing to compare with fails.
    static func requireChampion(_ result: inout GateResult, looked: String) {
        guard var report = result.report else { return }
        for i in report.outcomes.indices where report.outcomes[i].status == .skipped {
            let o = report.outcomes[i]
            report.outcomes[i].status = .failed
            report.outcomes[i].message = "\(o.metric) maxRegression cannot be checked and --require-champion is given: "
                + o.message.replacingOccurrences(of: "\(o.metric) maxRegression skipped: ", with: "") + " (looked in \(looked))"
        }
        result.report = report
    }

    /// Where a model's champion is looked for, in order, for messages.
    func championPlaces(_ m: Manifest, baseline: String?) -> String {
        var places: [String] = []
        if let baseline { places.append("\(baseline)/\(m.name)") }
        places.append("the store")
        if case .directory = m.deploy, let target = try? reconciler.targets.target(m.deploy) as? DirectoryTarget { places.append(target.display) }
        return places.joined(separator: ", ")
    }

    /// The versions the store has published for a model, oldest first.
    func history(_ model: String) throws -> [GateResult.HistoryPoint] {
        let store = reconciler.store
        var seen = Set<String>()
        return try store.publications(model: model).compactMap { p in
            guard seen.insert(p.version).inserted, let v = try store.version(model: model, id: p.version) else { return nil }
            return GateResult.HistoryPoint(version: p.version, publishedAt: p.publishedAt, metrics: v.metrics)
        }
    }

    /// The champion: the store's publication, else the model published at the manifest's
    /// directory target (its `metadata.json` names the digest that `model.json` must have).
    func findChampion(_ m: Manifest, observed: ObservedModel, baseline: String?) throws -> ChampionSource? {
        if let baseline {
            let directory = PosixFiles.join(reconciler.configuration.root.path, baseline) + "/" + m.name
            if let champion = try Self.champion(in: directory, display: "baseline \(baseline)/\(m.name)") { return champion }
        }
        let store = reconciler.store
        if let p = observed.publication {
            return ChampionSource(version: p.version, digest: p.artifactDigest, origin: .store) { try store.artifact(p.artifactDigest) }
        }
        guard case .directory = m.deploy, let target = try reconciler.targets.target(m.deploy) as? DirectoryTarget else { return nil }
        return try Self.champion(in: target.path, display: target.display)
    }

    /// The model published in a directory: `metadata.json` names the version and the digest that
    /// `model.json` must have (checked when it is loaded).
    static func champion(in directory: String, display: String) throws -> ChampionSource? {
        let data: [UInt8]
        do { data = try PosixFiles.read(directory + "/metadata.json", limit: PosixFiles.metadataLimit) } catch {
            if error.isMissing { return nil }
            throw TargetError("\(display)/metadata.json \(error)")
        }
        guard let meta = try? JSONParser.parse(data).value,
              let digest = meta["artifact"]?["sha256"]?.stringValue, let version = meta["version"]?.stringValue else {
            throw TargetError("\(display)/metadata.json is not Sluice metadata; cannot tell which model is in service")
        }
        let file = directory + "/model.json"
        return ChampionSource(version: version, digest: digest, origin: .files(display)) {
            do { return try PosixFiles.read(file, limit: PosixFiles.artifactLimit) } catch let error as FileReadError {
                throw TargetError("\(display)/model.json \(error.isMissing ? "is missing" : "\(error)")")
            }
        }
    }
}
