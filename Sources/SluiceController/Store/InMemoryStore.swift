import Foundation
import Synchronization
import SluiceCore
import SluiceReconcile

/// A store in memory, for tests: the same contract as ``SQLiteStore``, nothing on disk.
public final class InMemoryStore: Store {
    private struct State {
        var versions: [VersionRecord] = []
        var verdicts: [VerdictRecord] = []
        var publications: [PublicationRecord] = []
        var events: [EventRecord] = []
        var conditions: [String: ConditionRecord] = [:]
        var monitor: [String: MonitorState] = [:]
        var snapshots: [(record: FeedbackSnapshotRecord, csv: [UInt8])] = []
        var artifacts: [String: [UInt8]] = [:]
        var digests: [String: (FileStamp, String)] = [:]
        var lease: LeaseHolder?
        var fence: String?
    }
    private let state = Mutex(State())

    public init() {}

    /// Changes the state, after checking the writer-lease fence as ``SQLiteStore`` does.
    private func mutate<T>(_ body: (inout State) throws -> T) throws -> T {
        try state.withLock { s in
            if let fence = s.fence, s.lease?.token != fence {
                throw StoreError("this process lost the store's writer lease (another process took it over); nothing more is written under it")
            }
            return try body(&s)
        }
    }

    public func claimLease(_ claimant: LeaseHolder, now: Date) throws -> LeaseHolder? {
        state.withLock { s in
            if let current = s.lease, !current.yields(to: claimant, now: now, isAlive: LeaseHolder.processExists) { return current }
            var claimant = claimant
            if let current = s.lease, current.token == claimant.token { claimant.acquiredAt = current.acquiredAt }
            s.lease = claimant
            return nil
        }
    }

    public func renewLease(token: String, until: Date) throws -> LeaseRenewal {
        state.withLock { s in
            guard s.lease?.token == token else { return .lost(s.lease) }
            s.lease?.expiresAt = until
            return .renewed
        }
    }

    public func releaseLease(token: String) throws {
        state.withLock { s in if s.lease?.token == token { s.lease = nil } }
    }

    public func leaseHolder() throws -> LeaseHolder? { state.withLock { $0.lease } }

    public func fence(_ token: String?) { state.withLock { $0.fence = token } }

    public func observe() throws -> ObservedState {
        let s = state.withLock { $0 }
        return buildObserved(versions: s.versions, verdicts: s.verdicts, publications: s.publications)
    }

    public func recordConditions(_ records: [ConditionRecord]) throws {
        try mutate { s in
            for var c in records {
                if let old = s.conditions[c.model], old.condition == c.condition, old.message == c.message { c.since = old.since }
                s.conditions[c.model] = c
            }
        }
    }

    public func conditions() throws -> [ConditionRecord] {
        state.withLock { $0.conditions.values.sorted { $0.model < $1.model } }
    }

    public func recordVersion(_ v: VersionRecord) throws {
        try mutate { s in
            s.versions.removeAll { $0.model == v.model && $0.id == v.id }
            s.versions.append(v)
        }
    }

    public func recordVerdict(_ v: VerdictRecord) throws {
        try mutate { s in
            s.verdicts.removeAll { $0.model == v.model && $0.version == v.version && $0.gateDigest == v.gateDigest }
            s.verdicts.append(v)
        }
    }

    public func recordPublication(_ p: PublicationRecord) throws {
        try mutate { s in
            for i in s.publications.indices where s.publications[i].model == p.model && s.publications[i].retiredAt == nil {
                s.publications[i].retiredAt = max(s.publications[i].publishedAt, p.publishedAt)
            }
            var p = p
            p.id = (s.publications.compactMap(\.id).max() ?? 0) + 1
            s.publications.append(p)
        }
    }

    public func recordRetirement(model: String, at: Date) throws {
        try mutate { s in
            for i in s.publications.indices where s.publications[i].model == model && s.publications[i].retiredAt == nil {
                s.publications[i].retiredAt = max(s.publications[i].publishedAt, at)
            }
        }
    }

    public func recordEvent(_ e: EventRecord) throws { try mutate { $0.events.append(e) } }

    public func importRecords(_ records: StoreRecords) throws {
        for snapshot in records.feedbackSnapshots { try snapshot.record.check(snapshot.csv) }
        try mutate { s in
            guard s.versions.isEmpty, s.verdicts.isEmpty, s.publications.isEmpty, s.events.isEmpty, s.conditions.isEmpty,
                  s.monitor.isEmpty, s.snapshots.isEmpty else {
                throw StoreError("the store already holds model records; records are imported only into an empty store")
            }
            s.versions = records.versions
            s.verdicts = records.verdicts
            var next: Int64 = 1
            s.publications = records.publications.map { p in
                var p = p
                let id = p.id ?? next
                p.id = id
                next = max(next, id + 1)
                return p
            }
            s.events = records.events
            s.conditions = Dictionary(records.conditions.map { ($0.model, $0) }, uniquingKeysWith: { $1 })
            s.monitor = Dictionary(records.monitorStates.map { ($0.model, $0) }, uniquingKeysWith: { $1 })
            s.snapshots = records.feedbackSnapshots.map { ($0.record, $0.csv) }
        }
    }

    public func recordMonitor(_ state: MonitorState, events: [EventRecord]) throws {
        try mutate { s in
            s.monitor[state.model] = state
            s.events += events
        }
    }

    public func removeMonitorStates(models: [String]) throws {
        try mutate { s in for model in models { s.monitor[model] = nil } }
    }

    public func monitorStates() throws -> [MonitorState] {
        state.withLock { $0.monitor.values.sorted { $0.model < $1.model } }
    }

    public func recordFeedbackSnapshot(_ snapshot: FeedbackSnapshotRecord, csv: [UInt8], events: [EventRecord]) throws {
        try snapshot.check(csv)
        try mutate { s in
            guard !s.snapshots.contains(where: { $0.record.model == snapshot.model && $0.record.digest == snapshot.digest }) else { return }
            s.snapshots.append((snapshot, csv))
            s.events += events
        }
    }

    public func feedbackSnapshots(model: String?) throws -> [FeedbackSnapshotRecord] {
        state.withLock { s in s.snapshots.map(\.record).filter { model == nil || $0.model == model } }
    }

    public func dropFeedbackSnapshot(model: String, digest: String, at: Date, event: EventRecord) throws {
        try mutate { s in
            guard let i = s.snapshots.firstIndex(where: { $0.record.model == model && $0.record.digest == digest }) else {
                throw StoreError("the store has no feedback snapshot \(digest.prefix(8))… of \(model); nothing was dropped")
            }
            guard s.snapshots[i].record.droppedAt == nil else { return }
            s.snapshots[i].record.droppedAt = at
            s.events.append(event)
        }
    }

    public func feedbackSnapshot(model: String, digest: String) throws -> [UInt8] {
        guard let csv = state.withLock({ s in s.snapshots.first { $0.record.model == model && $0.record.digest == digest }?.csv }) else {
            throw StoreError("the store has no feedback snapshot \(digest.prefix(8))… of \(model)")
        }
        guard SHA256.hex(of: csv) == digest else { throw StoreError("feedback snapshot \(digest.prefix(8))… of \(model) does not match its digest") }
        return csv
    }

    public func version(model: String, id: String) throws -> VersionRecord? {
        state.withLock { $0.versions.first { $0.model == model && $0.id == id } }
    }

    public func versions(model: String) throws -> [VersionRecord] {
        state.withLock { $0.versions.filter { $0.model == model }.sorted { ($0.trainedAt, $0.id) < ($1.trainedAt, $1.id) } }
    }

    public func verdicts(model: String) throws -> [VerdictRecord] {
        state.withLock { $0.verdicts.filter { $0.model == model } }
    }

    public func publications(model: String) throws -> [PublicationRecord] {
        state.withLock { $0.publications.filter { $0.model == model } }
    }

    public func activePublications() throws -> [PublicationRecord] {
        state.withLock { $0.publications.filter { $0.retiredAt == nil }.sorted { $0.model < $1.model } }
    }

    public func publishedMetrics(lastPerModel: Int, models: [String]?) throws -> [PublishedMetrics] {
        let s = state.withLock { $0 }
        let only = models.map(Set.init)
        let byModel = Dictionary(grouping: s.publications.filter { only?.contains($0.model) ?? true }, by: \.model)  // each model's in id order, as recorded
        let kept = byModel.keys.sorted().flatMap { byModel[$0]!.suffix(max(0, lastPerModel)) }
        var metrics: [String: [String: [String: Double]]] = [:]
        for p in kept { metrics[p.model, default: [:]][p.version] = [:] }
        for v in s.versions where metrics[v.model]?[v.id] != nil { metrics[v.model]![v.id] = v.metrics }
        return kept.map { p in
            PublishedMetrics(model: p.model, version: p.version, publishedAt: p.publishedAt, retiredAt: p.retiredAt,
                             metrics: metrics[p.model]?[p.version] ?? [:])
        }
    }

    public func events(model: String?, limit: Int) throws -> [EventRecord] {
        state.withLock { Array($0.events.filter { model == nil || $0.model == model }.suffix(limit)) }
    }

    public func eventLog(_ query: EventLogQuery) throws -> [LoggedEvent] {
        state.withLock { s in
            var page: [LoggedEvent] = []
            for (i, e) in s.events.enumerated().reversed() where query.matches(e, sequence: Int64(i + 1)) {
                guard page.count < query.limit else { break }
                page.append(LoggedEvent(sequence: Int64(i + 1), event: e))
            }
            return page
        }
    }

    public func eventCounts(model: String?) throws -> [EventKind: Int] {
        state.withLock { s in
            var counts: [EventKind: Int] = [:]
            for e in s.events where model == nil || e.model == model { counts[e.kind, default: 0] += 1 }
            return counts
        }
    }

    public func modelNames() throws -> [String] {
        state.withLock { s in
            Set(s.versions.map(\.model) + s.publications.map(\.model) + s.events.map(\.model)).sorted()
        }
    }

    public func putArtifact(_ bytes: [UInt8]) throws -> String {
        let digest = SHA256.hex(of: bytes)
        try mutate { $0.artifacts[digest] = bytes }
        return digest
    }

    public func hasArtifact(_ digest: String) -> Bool { state.withLock { $0.artifacts[digest] != nil } }
    public func storedArtifacts() throws -> [String: Int64] { state.withLock { $0.artifacts.mapValues { Int64($0.count) } } }
    public func removeArtifact(_ digest: String) throws { try mutate { $0.artifacts[digest] = nil } }

    public func artifact(_ digest: String) throws -> [UInt8] {
        guard let bytes = state.withLock({ $0.artifacts[digest] }) else { throw StoreError("artifact \(digest.prefix(12)) is not in the store") }
        return bytes
    }

    public func cachedDigest(path: String, stamp: FileStamp) throws -> String? {
        state.withLock { s in s.digests[path].flatMap { $0.0 == stamp ? $0.1 : nil } }
    }

    public func cachedDigests() throws -> [String: (FileStamp, String)] {
        state.withLock { $0.digests }
    }

    public func cacheDigest(path: String, stamp: FileStamp, digest: String) throws {
        try mutate { $0.digests[path] = (stamp, digest) }
    }
}
