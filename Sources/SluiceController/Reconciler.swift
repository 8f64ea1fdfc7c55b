import Dispatch
import Foundation
import Synchronization
import Logging
import SluiceCore
import SluiceManifest
import SluiceReconcile

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
        /// The deadline and size cap of each dataset download.
        public var downloadLimits: DownloadLimits

        public init(root: URL, sourceRoot: URL? = nil, manifests: String = "manifests", planner: Planner.Options = .init(),
                    cache: String? = nil, concurrency: Int = 1, downloads: String? = nil, downloadLimits: DownloadLimits = .standard) {
            self.root = root
            self.sourceRoot = sourceRoot ?? root
            self.manifests = manifests
            self.planner = planner
            self.cache = cache
            self.concurrency = concurrency
            self.downloads = downloads
            self.downloadLimits = downloadLimits
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

    /// - Parameters:
    ///   - downloads: the dataset downloads to use, kept across cycles by the controller (which
    ///     then waits `patience` seconds for one under way); by default a new instance for
    ///     ``Configuration/downloads``, waited for to the end.
    public init(configuration: Configuration, store: any Store, logger: Logger, downloads: Downloads? = nil, patience: Double? = nil) {
        self.configuration = configuration
        self.store = store
        self.logger = logger
        let digester = FileDigester(store: store)
        self.data = DataResolver(root: configuration.sourceRoot, digester: digester,
                                 downloads: downloads ?? configuration.downloads.map { Downloads(directory: $0, limits: configuration.downloadLimits) },
                                 patience: patience)
        self.targets = TargetFactory(root: configuration.root, digester: digester)
    }

    /// Reads the manifests and their data digests, and observes the store and every target in use.
    public func snapshot() throws -> Snapshot {
        // The actual state (store and targets) is observed on another thread while this one reads
        // the desired state: the two are independent, and with thousands of models both take time.
        let observation = Mutex<Result<ObservedState, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async { [self] in
            let result = Result { try observe() }
            observation.withLock { $0 = result }
            done.signal()
        }
        let manifests = ManifestDirectory.load(root: configuration.sourceRoot, directory: configuration.manifests)
        data.prefetch(manifests.manifests)
        let desired = manifests.manifests.parallelMap { [data] in DesiredModel(manifest: $0, data: data.resolve($0)) }
        done.wait()
        let observed = try observation.withLock { $0! }.get()
        let manifestsURL = configuration.manifests.hasPrefix("/") ? URL(fileURLWithPath: configuration.manifests)
            : configuration.sourceRoot.appendingPathComponent(configuration.manifests)
        return Snapshot(manifests: manifests, desired: desired, observed: observed, revision: GitRevision.current(of: manifestsURL))
    }

    /// The store's records, and what each published model's target holds now.
    ///
    /// A version whose artifact is not in the store (collected by `sluice gc`, or lost) is left
    /// out of the trained versions, so that a plan trains it again rather than fail to publish it.
    func observe() throws -> ObservedState {
        var observed = try store.observe()
        for (name, model) in observed.models {
            observed.models[name]?.versions = model.versions.filter { store.hasArtifact($0.value.artifactDigest) }
            guard let pub = model.publication else { continue }
            do {
                observed.models[name]?.target = try targets.target(pub.deploy).observe(ExpectedContent(model: name, version: pub.version, artifactDigest: pub.artifactDigest))
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

    /// Carries out a plan made from `snapshot`.
    /// - Parameter cancellation: raised on shutdown; training stops, publishes finish.
    public func apply(_ plan: Plan, _ snapshot: Snapshot, cancellation: CancellationFlag? = nil,
                      progress: @escaping @Sendable (String) -> Void = { _ in }) -> ApplyReport {
        let executor = Executor(store: store, data: data, targets: targets, logger: logger, revision: snapshot.revision,
                                cache: configuration.cache.map(VersionCache.init(path:)), cancellation: cancellation, progress: progress)
        return executor.apply(plan, desired: snapshot.desired, observed: snapshot.observed, concurrency: configuration.concurrency)
    }
}
