import Dispatch
import Foundation
import Synchronization
import Logging
import SluiceCore
import SluiceManifest
import SluiceReconcile
import SluiceSystem

/// The reconcile loop's one pass, as `plan` and `apply` run it: read the desired state, observe
/// the actual state, plan (purely), then carry the plan out.
public struct Reconciler: Sendable {
    /// Where things are.
    public struct Configuration: Sendable {
        /// The controller's root: relative deploy paths resolve against it.
        public var root: URL
        /// The root of the repository the manifests come from: the manifests directory and
        /// dataset paths resolve against it. The same as ``root`` unless the manifests come from
        /// a git source, whose checkout lives in the store's directory.
        public var sourceRoot: URL
        /// The manifests directory, relative to the source root or absolute.
        public var manifests: String
        public var planner: Planner.Options
        /// A directory of trained versions shared with other runs (`--cache`).
        public var cache: String?
        /// Models carried out at once (`--concurrency`).
        public var concurrency: Int
        /// Where datasets named by URL are cached (the store's `downloads/`).
        public var downloads: String?
        /// The directory of the store's files: no model may be published into it.
        public var storeDirectory: String?
        /// The directories absolute deploy paths may be below (`--deploy-root`, absolute).
        public var deployRoots: [String]
        /// The deadline and size cap of each dataset download.
        public var downloadLimits: DownloadLimits

        public init(root: URL, sourceRoot: URL? = nil, manifests: String = "manifests", planner: Planner.Options = .init(),
                    cache: String? = nil, concurrency: Int = 1, downloads: String? = nil, downloadLimits: DownloadLimits = .standard,
                    storeDirectory: String? = nil, deployRoots: [String] = []) {
            self.root = root
            self.sourceRoot = sourceRoot ?? root
            self.manifests = manifests
            self.planner = planner
            self.cache = cache
            self.concurrency = concurrency
            self.downloads = downloads
            self.storeDirectory = storeDirectory
            self.deployRoots = deployRoots
            self.downloadLimits = downloadLimits
        }

        /// The manifests directory, absolute.
        public var manifestsPath: String {
            PosixFiles.join(sourceRoot.path, manifests)
        }

        /// Where models may be published: below the root or a deploy root, never into the
        /// manifests directory, the store's directory or the caches.
        public var deployRules: DeployRules {
            var protected = [DeployRules.Protected(path: manifestsPath, name: "the manifests directory")]
            let rootPath = DeployRules.normalise(root.path)
            for (path, name) in [(storeDirectory, "the store's directory"), (downloads, "the dataset download cache"), (cache, "the version cache (--cache)")] {
                // A directory that holds the root (a store beside the repository's parent) protects nothing more.
                guard let path else { continue }
                let normalised = DeployRules.normalise(path)
                if normalised != rootPath, !DeployRules.isBelow(rootPath, normalised) { protected.append(.init(path: normalised, name: name)) }
            }
            return DeployRules(root: rootPath, protected: protected, allowedRoots: deployRoots, resolve: PosixFiles.resolved)
        }
    }

    /// Desired and observed state at one moment.
    public struct Snapshot: Sendable {
        public var manifests: ManifestSet
        public var desired: [DesiredModel]
        public var observed: ObservedState
        public var revision: String?
    }

    public let configuration: Configuration
    public let store: any Store
    public let logger: Logger
    public let data: DataResolver
    public let targets: TargetFactory
    /// The time of day the models' conditions are stamped with.
    public let clock: any WallClock

    /// - Parameters:
    ///   - downloads: the dataset downloads to use, kept across cycles by the controller (which
    ///     then waits `patience` seconds for one under way); by default a new instance for
    ///     ``Configuration/downloads``, waited for to the end.
    ///   - clock: the time of day (the controller's).
    public init(configuration: Configuration, store: any Store, logger: Logger, downloads: Downloads? = nil, patience: Double? = nil,
                clock: any WallClock = SystemClock()) {
        self.configuration = configuration
        self.clock = clock
        self.store = store
        self.logger = logger
        let digester = FileDigester(store: store)
        self.data = DataResolver(root: configuration.sourceRoot, digester: digester,
                                 downloads: downloads ?? configuration.downloads.map { Downloads(directory: $0, limits: configuration.downloadLimits) },
                                 patience: patience)
        self.targets = TargetFactory(root: configuration.root, digester: digester)
    }

    /// Reads the manifests and their data digests, and observes the store and every target in use.
    /// - Parameter targetsOf: the models whose targets are observed (`nil`: every model's); a
    ///   replica that claimed a few models observes only theirs.
    public func snapshot(targetsOf models: Set<String>? = nil) throws -> Snapshot {
        // The actual state (store and targets) is observed on another thread while this one reads
        // the desired state: the two are independent, and with thousands of models both take time.
        let observation = Mutex<Result<ObservedState, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async { [self] in
            let result = Result { try observe(targetsOf: models) }
            observation.withLock { $0 = result }
            done.signal()
        }
        let manifests = loadManifests()
        data.prefetch(manifests.manifests)
        var desired = manifests.manifests.parallelMap { [data] in DesiredModel(manifest: $0, data: data.resolve($0)) }
        done.wait()
        let observed = try observation.withLock { $0! }.get()
        desired = try withFeedback(desired)
        let manifestsURL = URL(fileURLWithPath: configuration.manifestsPath)
        let dataFiles = manifests.manifests.flatMap { [$0.dataset.source] + ($0.dataset.test.map { [$0] } ?? []) }
            .filter(DatasetSpec.isLocalFile)
            .map { configuration.sourceRoot.appendingPathComponent($0) }
        return Snapshot(manifests: manifests, desired: desired, observed: observed,
                        revision: GitRevision.current(of: manifestsURL, data: dataFiles))
    }

    /// The desired models with the feedback snapshot each trains on: the newest an automatic
    /// retrain took of its current training inputs (none when the inputs changed since).
    func withFeedback(_ desired: [DesiredModel]) throws -> [DesiredModel] {
        let snapshots = try store.feedbackSnapshots(model: nil)
        guard !snapshots.isEmpty else { return desired }
        let base = Dictionary(desired.compactMap { d in d.baseVersionID.map { (d.manifest.name, $0) } }) { a, _ in a }
        let current = FeedbackSnapshotRecord.current(snapshots, base: base)
        return desired.map { d in
            var d = d
            d.feedback = current[d.manifest.name]?.input
            return d
        }
    }

    /// The manifests, with every load error, and every manifest whose deploy target is not
    /// allowed or is shared with another turned into an error (``DeployRules``).
    public func loadManifests() -> ManifestSet {
        ManifestDirectory.load(root: configuration.sourceRoot, directory: configuration.manifests, allowEmpty: configuration.planner.allowEmpty)
            .checkingDeployTargets(configuration.deployRules)
    }

    /// The store's records, and what each published model's target holds now.
    ///
    /// A version whose artifact is not in the store (collected by `sluice gc`, or lost) is left
    /// out of the trained versions, so that a plan trains it again rather than fail to publish it.
    func observe(targetsOf models: Set<String>? = nil) throws -> ObservedState {
        var observed = try store.observe()
        let held = try store.heldArtifacts(among: Set(observed.models.values.flatMap { $0.versions.values.map(\.artifactDigest) }))
        for (name, model) in observed.models {
            observed.models[name]?.versions = model.versions.filter { held.contains($0.value.artifactDigest) }
            guard let pub = model.publication, models?.contains(name) ?? true else { continue }
            do {
                observed.models[name]?.target = try targets.target(pub.deploy).observe(ExpectedContent(model: name, version: pub.version, artifactDigest: pub.artifactDigest, formats: pub.formats))
            } catch {
                observed.models[name]?.target = .drifted("cannot observe \(pub.deploy.summary): \(error)")
            }
        }
        return observed
    }

    /// Removes the temporary files that killed processes left (``TemporaryFiles``) in the
    /// store's artifacts, the download cache and every directory target in use or desired.
    /// Called on start by `apply` and `run`, holding the store's lock.
    /// - Returns: the paths removed.
    @discardableResult
    public func sweepTemporaryFiles(_ snapshot: Snapshot) -> [String] {
        var directories: [(String, Int)] = []
        if let artifacts = store.artifactsDirectory { directories.append((artifacts, 2)) }
        if let downloads = configuration.downloads { directories.append((downloads, 0)) }
        var deploys = Set(snapshot.desired.map(\.manifest.deploy))
        for model in snapshot.observed.models.values { if let p = model.publication { deploys.insert(p.deploy) } }
        for case .directory(let path) in deploys { directories.append((PosixFiles.join(targets.rootPath, path), 0)) }
        let removed = directories.flatMap { TemporaryFiles.sweep($0.0, depth: $0.1) }
        for path in removed {
            logger.notice("removed a temporary file left by a killed process", metadata: ["path": "\(path)"])
        }
        return removed
    }

    /// The plan for a snapshot: a pure function of it.
    public func plan(_ snapshot: Snapshot) -> Plan {
        Planner(options: configuration.planner).plan(desired: snapshot.desired, manifests: snapshot.manifests, observed: snapshot.observed)
    }

    /// Warnings about the data of the models `plan` trains: columns that look like row
    /// identifiers or free text and become features because `spec.dataset.features` is not set.
    /// Reads only datasets that training reads anyway (the frames stay cached for it).
    public func dataWarnings(_ plan: Plan, _ snapshot: Snapshot) -> [PlanWarning] {
        let training = Set(plan.items.filter { $0.actions.contains { $0.kind == .train } }.map(\.model))
        return snapshot.desired
            .filter { training.contains($0.manifest.name) && $0.manifest.dataset.features == nil }
            .sorted { $0.manifest.name < $1.manifest.name }
            .flatMap { d -> [PlanWarning] in
                guard case .resolved(let digest, _) = d.data,
                      let frame = try? data.frame(d.manifest.dataset.source, digest: digest, field: "spec.dataset.source", manifest: d.manifest)
                else { return [] }
                return Validation.featureWarnings(d.manifest, frame: frame).map(PlanWarning.featureColumn)
            }
    }

    /// Carries out a plan made from `snapshot`, then records each model's condition in the store
    /// (what `sluice status` shows).
    /// - Parameters:
    ///   - cancellation: raised on shutdown; training stops, publishes finish.
    ///   - lease: the writer lease held for this apply: target writes are fenced by it, and its
    ///     loss stops the work as a shutdown does.
    ///   The time recorded on what is written is ``clock``'s.
    public func apply(_ plan: Plan, _ snapshot: Snapshot, cancellation: CancellationFlag? = nil, lease: (any Holding)? = nil,
                      progress: @escaping @Sendable (String) -> Void = { _ in }) -> ApplyReport {
        let executor = PlanExecutor(store: store, data: data, targets: targets, logger: logger, revision: snapshot.revision,
                                cache: configuration.cache.map(VersionCache.init(path:)), cancellation: cancellation, lease: lease,
                                clock: clock, progress: progress)
        var report = executor.apply(plan, desired: snapshot.desired, observed: snapshot.observed, concurrency: configuration.concurrency)
        // A store write refused by the fence fails a model before the heartbeat may have noticed
        // the loss: find out now, so that the caller reports the loss rather than the symptom.
        if let lease, !report.failed.isEmpty { try? lease.confirm() }
        do { try recordConditions(report, revision: snapshot.revision, now: clock.now) } catch {
            report.warnings.append(.conditionsNotRecorded("\(error)"))
        }
        return report
    }

    /// Records the condition each model is left in, with the version in service.
    func recordConditions(_ report: ApplyReport, revision: String?, now: Date) throws {
        let inService = Dictionary(try store.activePublications().map { ($0.model, $0.version) }) { $1 }
        try store.recordConditions(report.outcomes.map { o in
            ConditionRecord(model: o.model, condition: o.condition.rawValue, message: o.message, version: inService[o.model],
                            since: now, checkedAt: now, revision: revision)
        })
    }
}
