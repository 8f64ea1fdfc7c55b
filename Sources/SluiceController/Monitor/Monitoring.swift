import Foundation
import Logging
import Synchronization
import SluiceCore
import SluiceLearn
import SluiceMonitor
import SluiceReconcile

/// The controller's watch over models in service (`spec.monitor`, docs/monitoring.md): every
/// `interval`, per monitored model with a version in service, read the window of its server
/// (`GET /v2/models/{name}/monitor`), judge it against the reference profile of the version the
/// server served with the manifest's policy, debounce the conditions (``MonitorTracker``), and
/// record the state and the events of its transitions in the store, and the gauges.
///
/// A check that cannot judge (server unreachable, an error status, an answer that does not read, a
/// version the store does not know or whose artifact has no reference profile) records why on the
/// model's monitor state and changes no condition; it never stops anything else. `sluice run`
/// runs ``checkDue(revision:)`` from a task of its own beside the reconcile loop, so checks never
/// delay a cycle; each request has a 10-second timeout and one attempt.
public final class Monitoring: Sendable {
    let store: any Store
    let clock: any WallClock
    let logger: Logger
    let metrics: MonitorMetrics
    let client: MonitorClient
    private let models = Mutex<[MonitoredModel]>([])
    /// When each model was last checked (by this process: a restarted controller checks at once).
    private let lastCheck = Mutex<[String: Date]>([:])
    /// Reference profiles by artifact digest (`nil`: the artifact has none), decoded once.
    private let profiles = Mutex<[String: ReferenceProfile?]>([:])
    /// Called when a breach started an automatic retrain (``retrain(_:state:previous:served:profile:now:revision:)``),
    /// with the reason: the controller starts a cycle at once.
    let onRetrain = Mutex<(@Sendable (String) -> Void)?>(nil)
    /// Per model, the last retrain that waited for labels: the rows are read again only once the
    /// server's label count changed, or an hour later (labels of rows outside the window).
    let waiting = Mutex<[String: WaitingForLabels]>([:])
    /// The feature names of each version's artifact (by artifact digest; `nil`: it cannot be read), decoded once.
    let featureNames = Mutex<[String: [String]?]>([:])

    /// - Parameter timeout: seconds each request to a server may take.
    public init(store: any Store, clock: any WallClock, logger: Logger, metrics: MonitorMetrics, timeout: Double = 10) {
        self.store = store
        self.clock = clock
        self.logger = logger
        self.metrics = metrics
        self.client = MonitorClient(timeout: timeout)
    }

    /// Sets what is called when a breach has started an automatic retrain (the controller's trigger).
    public func onRetrain(_ body: @escaping @Sendable (String) -> Void) {
        onRetrain.withLock { $0 = body }
    }

    /// Sets the monitored models (each cycle, from the manifests it read); the gauges and the stored
    /// state of models no longer monitored are removed, so `status` does not show stale conditions.
    public func watch(_ list: [MonitoredModel]) {
        models.withLock { $0 = list }
        let names = Set(list.map(\.name))
        for gone in metrics.models.subtracting(names) { metrics.remove(model: gone) }
        lastCheck.withLock { $0 = $0.filter { names.contains($0.key) } }
        waiting.withLock { $0 = $0.filter { names.contains($0.key) } }
        forget(try? store.monitorStates().map(\.model).filter { !names.contains($0) })
    }

    /// Removes the stored monitor state of `models` (logging a failure: it is retried next cycle).
    private func forget(_ models: [String]?) {
        guard let models, !models.isEmpty else { return }
        do { try store.removeMonitorStates(models: models) } catch {
            logger.error("cannot remove the monitor state of models no longer watched", metadata: ["error": "\(error)", "models": "\(models)"])
        }
    }

    /// The monitored models, as the last ``watch(_:)`` set them.
    public var watched: [MonitoredModel] { models.withLock { $0 } }

    /// Whether a model is due for a check at `now`.
    public var anyDue: Bool {
        let now = clock.now
        let last = lastCheck.withLock { $0 }
        return watched.contains { m in last[m.name].map { now.timeIntervalSince($0) >= m.spec.interval } ?? true }
    }

    /// Checks every model whose interval has passed since its last check (every one, the first time).
    /// - Parameter revision: the manifests' revision, for the events.
    /// - Returns: the names of the models checked.
    @discardableResult
    public func checkDue(revision: String? = nil) -> [String] {
        let now = clock.now
        let last = lastCheck.withLock { $0 }
        let due = watched.filter { m in last[m.name].map { now.timeIntervalSince($0) >= m.spec.interval } ?? true }
        guard !due.isEmpty else { return [] }
        let serving: [String: String]
        let previous: [String: MonitorState]
        do {
            serving = Dictionary(try store.activePublications().map { ($0.model, $0.version) }) { $1 }
            previous = Dictionary(try store.monitorStates().map { ($0.model, $0) }) { $1 }
        } catch {
            logger.error("cannot read the store for the monitor checks", metadata: ["error": "\(error)"])
            return []
        }
        var checked: [String] = []
        // Nothing in service (not yet, or retired): nothing to watch, and no stale conditions.
        forget(due.map(\.name).filter { serving[$0] == nil && previous[$0] != nil })
        for m in due {
            lastCheck.withLock { $0[m.name] = now }
            guard serving[m.name] != nil else {
                metrics.remove(model: m.name)
                continue
            }
            check(m, previous: previous[m.name], now: now, revision: revision)
            checked.append(m.name)
        }
        return checked
    }

    /// One check of one model.
    func check(_ m: MonitoredModel, previous: MonitorState?, now: Date, revision: String?) {
        var log = logger
        log[metadataKey: "model.name"] = "\(m.name)"
        var state: MonitorState
        var events: [EventRecord] = []
        var report: MonitorReport?
        var start: Start?
        do {
            let json = try client.window(m)
            let identity: (model: String, version: String)
            do { identity = try MonitorWindow.identity(json: json) } catch { throw MonitorProblem("the server's monitor window does not read: \(error)") }
            guard identity.model == m.name else {
                throw MonitorProblem("the server answered with the window of model \"\(identity.model)\", not \"\(m.name)\"; check spec.monitor.server")
            }
            let profile = try self.profile(model: m.name, version: identity.version)
            let window: MonitorWindow
            do { window = try MonitorWindow(json: json, profile: profile) } catch {
                throw MonitorProblem("the server's window of version \(VersionIdentity.short(identity.version)) does not fit its reference profile: \(error)")
            }
            let judged = MonitorReport.evaluate(profile: profile, stats: window.stats, policy: m.spec.policy)
            report = judged
            let stored = Self.storedReport(judged, window: window, answer: json)
            let (next, transitions) = MonitorTracker.step(previous, model: m.name, version: identity.version, conditions: judged.conditions,
                                                          reportJSON: stored.canonical(), now: now, persistFor: m.spec.persistFor)
            state = next
            events = transitions.map { event($0, model: m, version: identity.version, now: now, revision: revision) }
            let unmatched = Self.count(json["unmatchedLabels"]) ?? 0
            let loop = retrain(m, state: next, previous: previous, served: identity.version, profile: profile, unmatched: unmatched,
                               labels: window.stats.labelled.labelled + unmatched, now: now, revision: revision)
            state.retrain = loop.note
            events += loop.events
            start = loop.start
        } catch {
            let problem = Redaction.text("\(error)")
            state = MonitorTracker.failed(previous, model: m.name, problem: problem, version: nil, now: now)
            if previous?.problem != problem {
                log.warning("cannot judge the model's traffic", metadata: ["error": "\(problem)"])
            }
        }
        do { try store.recordMonitor(state, events: events) } catch {
            log.error("cannot record the monitor state", metadata: ["error": "\(error)"])
            start = nil
        }
        // The retrain's snapshot after the breach that asked for it (events in that order).
        if let start, let problem = self.start(start, model: m.name) {
            state.retrain = problem
            log.error("cannot start the automatic retrain", metadata: ["error": "\(problem)"])
            try? store.recordMonitor(state, events: [])
        }
        for e in events { log.notice("\(e.message)", metadata: ["event.kind": "\(e.kind.rawValue)"]) }
        metrics.record(model: m.name, report: report, state: state)
    }

    /// The report kept on the monitor state (`status --json`, the web UI): the judgement's JSON
    /// (``MonitorReport/json``, its keys unchanged) with what the server's answer said beside it:
    /// `series` (the window's steps, oldest first, as ``MonitorWindow`` reads them), and `dropped`
    /// and `unmatchedLabels` (null when the server did not say).
    static func storedReport(_ report: MonitorReport, window: MonitorWindow, answer: JSON) -> JSON {
        guard case .object(var o) = report.json else { return report.json }
        func optional(_ d: Double?) -> JSON { d.map(JSON.number) ?? .null }
        o["series"] = .array(window.series.map { p in
            ["from": .number(Double(p.from)), "rows": .number(Double(p.rows)), "labelled": .number(Double(p.labelled)),
             "live": optional(p.live), "estimate": optional(p.estimate)]
        })
        o["dropped"] = count(answer["dropped"]).map { .number(Double($0)) } ?? .null
        o["unmatchedLabels"] = count(answer["unmatchedLabels"]).map { .number(Double($0)) } ?? .null
        return .object(o)
    }

    /// A count the server reported (a non-negative number below 10^15), or `nil` when absent or not one.
    static func count(_ value: JSON?) -> Int? {
        value?.doubleValue.flatMap { $0 >= 0 && $0 < 1e15 ? Int($0) : nil }
    }

    /// The reference profile of a version the store knows, from its artifact.
    private func profile(model: String, version: String) throws -> ReferenceProfile {
        let short = VersionIdentity.short(version)
        guard let record = try store.version(model: model, id: version) else {
            throw MonitorProblem("the server serves version \(short) of \(model), which this store has no record of; is spec.monitor.server the server this controller publishes to?")
        }
        let digest = record.artifactDigest
        if let cached = profiles.withLock({ $0[digest] }) {
            guard let cached else { throw Self.noProfile(short) }
            return cached
        }
        let artifact: ModelArtifact
        do { artifact = try ModelArtifact.decode(try store.artifact(digest), expectedDigest: digest) } catch {
            throw MonitorProblem("the artifact of version \(short) cannot be read from the store: \(error)")
        }
        profiles.withLock { $0[digest] = .some(artifact.reference) }
        guard let reference = artifact.reference else { throw Self.noProfile(short) }
        return reference
    }

    private static func noProfile(_ short: String) -> MonitorProblem {
        MonitorProblem("version \(short)'s artifact has no reference profile (it was trained by a sluice without monitoring), so its traffic cannot be judged; a version trained by this sluice has one")
    }

    /// The event of a transition.
    private func event(_ t: MonitorTracker.Transition, model m: MonitoredModel, version: String, now: Date, revision: String?) -> EventRecord {
        let short = VersionIdentity.short(version)
        func name(_ c: MonitorState.Tracked) -> String { "\(c.condition.kind.rawValue) (\(c.condition.reason.rawValue))" }
        let (kind, message): (EventKind, String) = switch t {
        case .raised(let c):
            (.raised, "\(name(c)) on version \(short): \(c.condition.message); a breach if it holds for \(Self.text(m.spec.persistFor)) (spec.monitor.persistFor)")
        case .breached(let c):
            (.breached, "\(name(c)) on version \(short) has held for \(Self.text(now.timeIntervalSince(c.since))) (spec.monitor.persistFor \(Self.text(m.spec.persistFor))): \(c.condition.message); onBreach \(m.spec.onBreach.rawValue)\(m.spec.onBreach == .alert ? ": reported" : "")")
        case .cleared(let c):
            (.cleared, "\(name(c)) no longer holds (it was: \(c.condition.message))")
        }
        return EventRecord(at: now, model: m.name, kind: kind, message: message, revision: revision)
    }

    /// A duration as people write it (`0s`, `90s`, `5m`, `1h`, `7d`).
    static func text(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        if s > 0, s % 86_400 == 0 { return "\(s / 86_400)d" }
        if s > 0, s % 3_600 == 0 { return "\(s / 3_600)h" }
        if s > 0, s % 60 == 0 { return "\(s / 60)m" }
        return "\(s)s"
    }
}
