import Foundation
import Logging
import Synchronization
import SluiceCore
import SluiceManifest
import SluiceReconcile
import SluiceSystem

/// `sluice run`: reconciles continuously. Each cycle is the same snapshot → plan → apply as
/// `sluice apply`, with three additions: the source is brought up to date first (a git fetch),
/// models whose actions failed wait with exponential backoff (see ``Retries``), and the cycle
/// is skipped while another process holds the store's writer lease.
///
/// A controller that loses the lease (it was paused or starved past it, and another process
/// took it over) stops its work at once: no new model, training abandoned, every target write
/// and store write refused. It then waits for the lease like a standby and takes it again with
/// a new token; it never writes under the old one.
///
/// A cycle starts every ``Options/interval`` (with jitter), and at once on ``trigger(_:)``
/// (SIGHUP, `POST /reconcile`, a changed file of a directory source). The controller is a
/// swift-service-lifecycle `Service` (see `Controller+Service.swift`): its graceful shutdown
/// (SIGTERM) or ``stop()`` lets a publish under way finish, abandons training, releases the lease
/// and returns.
public final class Controller: Sendable {
    /// How the controller runs.
    public struct Options: Sendable {
        /// Time between cycles.
        public var interval: Duration = .seconds(30)
        /// Each wait is `interval` ± this fraction, so that replicas do not beat in step.
        public var jitter: Double = 0.1
        /// Models carried out at once.
        public var concurrency: Int = ProcessInfo.processInfo.activeProcessorCount
        public var retry = RetryPolicy()
        /// How long the writer lease lasts without a heartbeat; a killed controller's lease is
        /// taken over after this (at once when its process is gone from this host).
        public var leaseDuration: Duration = .seconds(30)
        public var allowEmpty = false
        /// `--cache DIR`, shared with `gate`.
        public var cache: String?
        /// Where datasets named by URL are cached.
        public var downloads: String?
        /// The store's directory, where no model may be published.
        public var storeDirectory: String?
        /// The directories absolute deploy paths may be below (`--deploy-root`).
        public var deployRoots: [String] = []
        /// The deadline and size cap of each dataset download.
        public var downloadLimits = DownloadLimits.standard
        /// How long a cycle waits for a dataset download under way before it reconciles the
        /// other models without it; the download goes on, and its end starts a cycle.
        public var downloadPatience: Double = 2
        /// How long a stop waits for work under way (a publish) before it gives it up.
        public var shutdownTimeout: Duration = .seconds(20)
        /// Whether to share the work with other replicas when the store has a work queue
        /// (PostgreSQL): the lease holder leads (plans and queues), every replica claims models.
        public var replicas = true
        /// How long a replica's claim on a model lasts without a heartbeat (renewed every third of
        /// it): a killed or paused replica's models are taken over after this.
        public var claimLease: Duration = .seconds(60)
        public init() {}
    }

    /// What `/readyz` and the logs report.
    public struct Status: Sendable, Equatable {
        public var holdsLease = false
        /// Why the last holding of the lease ended, when another process took it over.
        public var leaseLost: String?
        public var cycles = 0
        /// Cycles completed under the current holding of the lease.
        public var cyclesHolding = 0
        public var lastError: String?
        public var lastRevision: String?
        /// Condition of each model after the last cycle.
        public var conditions: [String: Condition] = [:]
        /// The token of the holding ``cyclesHolding`` counts the cycles of.
        fileprivate var holdingToken: String?
        /// Whether this controller is one of several replicas sharing a store's work queue.
        public var replica = false
        /// A replica: why it last failed to reach the store's work queue (`nil`: it reached it).
        public var storeError: String?
        /// A replica: whether it has reached the work queue yet.
        public var polled = false
        /// A replica: the models it works on now.
        public var claimed: [String] = []
        /// Ready: holds the lease and has completed a cycle under it that read the desired state.
        /// A replica is ready when it reaches the store, and, while it leads, once it has.
        public var isReady: Bool {
            guard replica else { return holdsLease && cyclesHolding > 0 && lastError == nil }
            return polled && storeError == nil && (!holdsLease || (cyclesHolding > 0 && lastError == nil))
        }
    }

    public let options: Options
    public let source: any ManifestSource
    public let store: any Store
    /// Where relative deploy paths resolve.
    public let root: URL
    public let logger: Logger
    public let metrics: ControllerMetrics
    /// The time of day: backoff deadlines (of failed models and of the source), the lease's
    /// expiry, and the records' timestamps. Cycle durations are measured with `ContinuousClock`.
    public let clock: any WallClock
    /// The watch over models in service (`spec.monitor`); `sluice run` checks it from a task beside the cycles.
    public let monitoring: Monitoring
    let cancellation = CancellationFlag()
    /// Wakes ``run()`` while it waits: a trigger, a lost lease, a stop.
    let wakeups = Wakeups()
    /// Finished by ``stop()``: starts the shutdown timeout.
    let stopRequests = AsyncStream.makeStream(of: Void.self)
    /// Why the next cycle runs, when a trigger asked for it.
    let pending = Mutex<String?>(nil)
    let state = Mutex(Status())
    private let retries: Mutex<Retries>
    /// The work queue replicas share (a PostgreSQL store); `nil` when this controller does all the work itself.
    public let queue: (any WorkQueue)?
    /// Held while the source is brought up to date and read: the leader's cycle and the work on
    /// claimed models read the same checkout.
    let sourceLock = Mutex<Void>(())
    /// Wakes the work loop: the leader queued work, or the controller stops.
    let workWakeups = Wakeups()
    /// The revision of the source's checkout at this process's last snapshot (a replica's work
    /// skips the fetch when its claims were planned at it).
    let checkoutRevision = Mutex<String?>(nil)
    let watcher = Mutex<FileWatcher?>(nil)
    /// Dataset downloads, kept across cycles so that a slow one goes on while cycles run.
    private let downloads = Mutex<Downloads?>(nil)
    /// Consecutive failures to bring the source up to date, and when to try again.
    private let sourceRetry = Mutex<(failures: Int, notBefore: Date)>((0, .distantPast))

    /// - Parameter clock: the time of day (tests pass a `FixedClock` to move time on without sleeping).
    public init(options: Options, source: any ManifestSource, store: any Store, root: URL, logger: Logger,
                metrics: ControllerMetrics = ControllerMetrics(), clock: any WallClock = SystemClock()) {
        self.options = options
        self.clock = clock
        self.source = source
        self.store = store
        self.root = root
        self.logger = logger
        self.metrics = metrics
        self.retries = Mutex(Retries(policy: options.retry))
        self.queue = options.replicas ? store as? any WorkQueue : nil
        self.monitoring = Monitoring(store: store, clock: clock, logger: logger, metrics: metrics.monitor)
        monitoring.onRetrain { [weak self] why in self?.trigger(why) }
    }

    public var status: Status { state.withLock { $0 } }

    /// Why the next cycle starts early: the reason of a ``trigger(_:)`` not yet taken up by a cycle.
    public var pendingTrigger: String? { pending.withLock { $0 } }

    /// One cycle: sync the source, snapshot, plan, hold back waiting models, apply.
    /// - Parameter lease: the holding the cycle's writes are fenced by. A cycle under a holding
    ///   that is not lost counts towards readiness (``Status/isReady``); one that finds it lost
    ///   records nothing and leaves the controller not ready, with the loss as its last error.
    public func cycle(reason: CycleReason, lease: WriterLease? = nil) {
        let start = ContinuousClock.now
        var cycleLogger = logger
        cycleLogger[metadataKey: "cycle.reason"] = "\(reason)"
        if let lease { holding(lease) }
        do {
            var observedAt: Date?
            let (reconciler, snapshot) = try sourceLock.withLock { _ throws -> (Reconciler, Reconciler.Snapshot) in
                try syncSource(reason: reason, cycleLogger)
                // The server's time right before the snapshot: work a replica finishes after it may not be in the plan.
                observedAt = try queue?.serverTime()
                let r = self.reconciler(cycleLogger)
                let snapshot = try r.snapshot()
                checkoutRevision.withLock { $0 = snapshot.revision }
                return (r, snapshot)
            }
            if state.withLock({ $0.cycles == 0 }) { reconciler.sweepTemporaryFiles(snapshot) }
            watchFiles(snapshot)
            monitoring.watch(MonitoredModel.of(snapshot.desired))
            let revision = snapshot.revision ?? ""
            // What each model's plan is made from: a change clears its backoff. A new feedback snapshot
            // is a change too: its retrain is not held back by an earlier failure.
            let inputs = Dictionary(uniqueKeysWithValues: snapshot.desired.map { d in
                let data = switch d.data {
                case .resolved(let digest, let test): digest + (test ?? "")
                case .failed(let why): why
                }
                return (d.manifest.name, d.manifest.digest + " " + data + " " + (d.feedback?.digest ?? ""))
            })
            let fingerprints = inputs.mapValues { $0 + " " + revision }
            let now = clock.now
            var plan = reconciler.plan(snapshot)
            var queued = 0
            if let queue, let lease, let observedAt {
                // A replica's leader: the models with actions go to the queue, for any replica to
                // claim (backoff is the queue's); only the others' conditions are recorded here.
                let work = plan.items.filter { !$0.actions.isEmpty }
                // The queue's fingerprint leaves the revision out: a commit to another model's file
                // must not clear this one's backoff (a model that kills its replica would start again).
                try queue.enqueue(work.map { WorkItem(model: $0.model, fingerprint: inputs[$0.model] ?? "", revision: snapshot.revision,
                                                      actions: $0.actions.map(\.kind.rawValue).joined(separator: ", ")) },
                                  observedAt: observedAt, leader: lease.token)
                queued = work.count
                plan = Plan(items: plan.items.filter { $0.actions.isEmpty }, warnings: plan.warnings)
            } else {
                plan = retries.withLock { $0.hold(plan, fingerprints: fingerprints, now: now) }
            }
            let report = reconciler.apply(plan, snapshot, cancellation: cancellation, lease: lease)
            // A cycle with nothing to change has no failed write to reveal a loss: check the holding
            // before the cycle counts as complete under it (one read of the store).
            try? lease?.check()
            if let lost = lease?.lostReason {
                // Nothing of this cycle is recorded (the store refuses it); the retries are not charged.
                state.withLock { s in
                    s.lastError = lost
                    s.holdsLease = false
                    s.leaseLost = lost
                }
                metrics.cycle(duration: ContinuousClock.now - start, at: clock.now, report: nil, revision: nil)
                cycleLogger.error("cycle stopped: the writer lease was lost", metadata: ["error": "\(lost)"])
                return
            }
            let attempted = Set(plan.items.filter { !$0.actions.isEmpty }.map(\.model))
            let failed = Dictionary(uniqueKeysWithValues: report.failed.map { ($0.model, $0.message) })
            retries.withLock { r in
                r.record(failed: failed, attempted: attempted, fingerprints: fingerprints, now: clock.now)
                r.keep(only: Set(plan.items.map(\.model)))
            }
            let elapsed = ContinuousClock.now - start
            state.withLock { s in
                s.cycles += 1
                s.cyclesHolding += 1
                // A cycle that read no desired state did its part (nothing is retired for it), but
                // the controller is not converging on anything: not ready until the manifests are back.
                s.lastError = snapshot.manifests.unreadable
                s.lastRevision = snapshot.revision
                s.conditions = Dictionary(uniqueKeysWithValues: report.outcomes.map { ($0.model, $0.condition) })
            }
            metrics.cycle(duration: elapsed, at: clock.now, report: report, revision: snapshot.revision)
            log(report, plan: plan, queued: queued, elapsed: elapsed, revision: snapshot.revision, cycleLogger)
        } catch let error as SourceError where error.waiting {
            // Backing off from an unreachable source: said once, when the attempt failed.
            state.withLock { $0.lastError = Redaction.text("\(error)") }
            cycleLogger.debug("cycle skipped", metadata: ["error": "\(error)"])
        } catch {
            state.withLock { $0.lastError = Redaction.text("\(error)") }
            metrics.cycle(duration: ContinuousClock.now - start, at: clock.now, report: nil, revision: nil)
            cycleLogger.error("cycle failed", metadata: ["error": "\(error)"])
        }
    }

    /// A reconciler for one cycle, or one replica's batch of claimed models.
    /// - Parameter newCycle: whether the dataset downloads start a new cycle (their finished
    ///   fetches are re-validated); not for a look at the plan between cycles.
    func reconciler(_ logger: Logger, newCycle: Bool = true) -> Reconciler {
        Reconciler(
            configuration: .init(root: root, sourceRoot: source.root, manifests: source.manifests,
                                 planner: .init(allowEmpty: options.allowEmpty), cache: options.cache, concurrency: options.concurrency,
                                 downloads: options.downloads, downloadLimits: options.downloadLimits,
                                 storeDirectory: options.storeDirectory, deployRoots: options.deployRoots),
            store: store, logger: logger, downloads: cycleDownloads(newCycle: newCycle), patience: options.downloadPatience, clock: clock)
    }

    /// Notes that the controller holds `lease` (unless it was lost), as a new holding when its
    /// token is not the one the last cycle ran under: its cycles are counted from zero.
    private func holding(_ lease: WriterLease) {
        state.withLock { s in
            guard !lease.isLost else { return }
            if s.holdingToken != lease.token {
                s.holdingToken = lease.token
                s.cyclesHolding = 0
            }
            s.holdsLease = true
            s.leaseLost = nil
        }
    }

    /// The downloads for a cycle: one instance for the controller's life, whose finished
    /// fetches are forgotten at each cycle (to be re-validated) and whose slow ones go on.
    private func cycleDownloads(newCycle: Bool) -> Downloads? {
        guard let directory = options.downloads else { return nil }
        return downloads.withLock { d in
            if d == nil {
                d = Downloads(directory: directory, limits: options.downloadLimits) { [weak self] url in
                    self?.trigger("a dataset download finished")
                }
            }
            if newCycle { d!.beginCycle() }
            return d
        }
    }

    /// Brings the source up to date, backing off after failures like a failed model does
    /// (``RetryPolicy``): while it waits, interval cycles do not try (a trigger does), and
    /// reconcile the source's last state if it has one.
    /// - Throws: when there is no state to reconcile (the first clone has not succeeded).
    private func syncSource(reason: CycleReason, _ logger: Logger) throws {
        let now = clock.now
        let (failures, notBefore) = sourceRetry.withLock { $0 }
        if reason == .interval, now < notBefore {
            let wait = Int(notBefore.timeIntervalSince(now).rounded(.up))
            guard source.isAvailable else {
                throw SourceError("\(source.description) is unavailable (failed \(failures) time\(failures == 1 ? "" : "s")); retrying in \(wait) s", waiting: true)
            }
            return
        }
        do {
            try source.sync()
            sourceRetry.withLock { $0 = (0, .distantPast) }
        } catch {
            let delay = options.retry.delay(afterFailures: failures + 1)
            sourceRetry.withLock { $0 = (failures + 1, now.addingTimeInterval(delay)) }
            let retry = "retrying in \(Int(delay.rounded(.up))) s"
            guard source.isAvailable else { throw SourceError("\(error); \(retry)") }
            logger.error("cannot update the source; reconciling its last state", metadata: [
                "source": "\(source.description)", "error": "\(error)", "retry": "\(retry)"])
        }
    }

    private func log(_ report: ApplyReport, plan: Plan, queued: Int, elapsed: Duration, revision: String?, _ logger: Logger) {
        for warning in report.warnings { logger.warning("\(warning)") }
        for o in report.outcomes {
            for line in o.done { logger.notice("\(line)", metadata: ["model.name": "\(o.model)"]) }
            if o.condition == .failed, !o.message.isEmpty {
                logger.error("model failed", metadata: ["model.name": "\(o.model)", "error": "\(o.message)"])
            }
        }
        let counts = ["trained": report.trained, "evaluated": report.evaluated, "published": report.published, "retired": report.retired]
        let level: Logger.Level = plan.hasChanges || queued > 0 ? .notice : .debug
        var queue: Logger.Metadata = [:]
        if self.queue != nil { queue["queued"] = "\(queued)" }
        logger.log(level: level, "cycle complete", metadata: queue.merging([
            "cycle.seconds": "\(String(format: "%.3f", elapsed.seconds))", "revision": "\(revision ?? "none")",
            "models": "\(report.outcomes.count)", "failed": "\(report.failed.count)",
            "actions": "\(counts.filter { $0.value > 0 }.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))",
        ]) { a, _ in a })
    }

    /// Watches the manifests directory, the directories holding manifests, and those of local
    /// datasets. (Derived from the snapshot rather than walked again: with 10,000 manifests a
    /// second walk would cost a good part of the cycle. A new subdirectory is seen by its parent's
    /// watch, and the cycle that follows watches it.)
    private func watchFiles(_ snapshot: Reconciler.Snapshot) {
        guard let watcher = watcher.withLock({ $0 }), let source = source as? DirectorySource else { return }
        let root = source.root.path
        var directories: Set<String> = [PosixFiles.join(root, source.manifests)]
        for d in snapshot.desired {
            directories.insert((PosixFiles.join(root, d.manifest.origin.file) as NSString).deletingLastPathComponent)
            for file in [d.manifest.dataset.source] + (d.manifest.dataset.test.map { [$0] } ?? []) where DatasetSpec.isLocalFile(file) {
                directories.insert((PosixFiles.join(root, file) as NSString).deletingLastPathComponent)
            }
        }
        watcher.watch(directories)
    }
}

/// The manifests' source cannot be brought up to date.
struct SourceError: Error, CustomStringConvertible {
    var description: String
    /// Raised without an attempt, while backing off from an earlier failure.
    var waiting: Bool

    init(_ description: String, waiting: Bool = false) {
        self.description = description
        self.waiting = waiting
    }
}
