import Foundation
import SluiceCore
import SluiceLearn
import SluiceManifest
import SluiceReconcile

/// One model's result in `sluice gate`.
public struct GateResult: Sendable {
    public var model: String
    public var file: String
    public var version: String?
    /// Whether the candidate was trained by this run (rather than reused from the store).
    public var trained: Bool
    public var metrics: [String: Double]
    public var trainSeconds: Double?
    public var dataDigest: String?
    /// Confusion matrix labels and rows on the candidate's test data.
    public var evaluation: JSON
    /// The champion compared with, and where it was found.
    public var champion: ChampionInfo?
    public var report: GateReport?
    /// Set when the model could not be gated.
    public var error: String?

    public struct ChampionInfo: Sendable {
        public var version: String
        public var origin: String
        public var metrics: [String: Double]?
    }

    public var passed: Bool { error == nil && (report?.passed ?? false) }
}

/// `sluice gate`: trains (or reuses) each model's candidate and evaluates its gate against the
/// champion — found in the store, or else in the deployment target's files — publishing nothing.
public struct GateRunner: Sendable {
    public let reconciler: Reconciler

    public init(reconciler: Reconciler) { self.reconciler = reconciler }

    /// Gates every desired model, or those named in `only`.
    public func run(only: Set<String> = [], progress: @escaping @Sendable (String) -> Void = { _ in }) throws -> (results: [GateResult], errors: [ManifestError]) {
        let snapshot = try reconciler.snapshot()
        let executor = Executor(store: reconciler.store, data: reconciler.data, targets: reconciler.targets, logger: reconciler.logger,
                                revision: snapshot.revision, progress: progress)
        var results: [GateResult] = []
        for d in snapshot.desired where only.isEmpty || only.contains(d.manifest.name) {
            let m = d.manifest
            if m.suspend || m.retired { continue }
            var result = GateResult(model: m.name, file: m.origin.file, trained: false, metrics: [:], evaluation: .null)
            do {
                guard let v = d.versionID, case .resolved(let dataDigest, _) = d.data else {
                    guard case .failed(let why) = d.data else { fatalError("unreachable") }
                    throw DataError(why)
                }
                result.version = v
                result.dataDigest = dataDigest
                var record = try reconciler.store.version(model: m.name, id: v)
                if record == nil {
                    progress("\(m.name): training \(m.algorithm)")
                    record = try executor.train(d, version: v)
                    result.trained = true
                }
                result.metrics = record!.metrics
                result.trainSeconds = record!.trainSeconds
                result.evaluation = record!.evaluation
                let champion = try findChampion(m, observed: snapshot.observed[m.name])
                let (report, championMetrics) = try executor.gateReport(d, version: v, champion: champion)
                result.report = report
                if let champion { result.champion = .init(version: champion.version, origin: champion.origin, metrics: championMetrics) }
            } catch {
                result.error = "\(error)"
            }
            results.append(result)
        }
        return (results, snapshot.manifests.errors)
    }

    /// The champion: the store's publication, else the model published at the manifest's
    /// directory target (its `metadata.json` names the digest that `model.json` must have).
    func findChampion(_ m: Manifest, observed: ObservedModel) throws -> ChampionSource? {
        let store = reconciler.store
        if let p = observed.publication {
            return ChampionSource(version: p.version, digest: p.artifactDigest, origin: "store") { try store.artifact(p.artifactDigest) }
        }
        guard case .directory = m.deploy, let target = try reconciler.targets.target(m.deploy) as? DirectoryTarget else { return nil }
        guard let data = FileManager.default.contents(atPath: target.metadataFile) else { return nil }
        guard let meta = try? JSONParser.parse([UInt8](data)).value,
              let digest = meta["artifact"]?["sha256"]?.stringValue, let version = meta["version"]?.stringValue else {
            throw TargetError("\(target.display)/metadata.json is not Sluice metadata; cannot tell which model is in service")
        }
        let file = target.modelFile
        return ChampionSource(version: version, digest: digest, origin: target.display) {
            guard let bytes = FileManager.default.contents(atPath: file) else { throw TargetError("\(file) is missing") }
            return [UInt8](bytes)
        }
    }
}
