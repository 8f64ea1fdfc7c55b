import Foundation
import SluiceCore
import SluiceReconcile

/// Where Sluice keeps what it has done: versions, verdicts, publications, events, artifacts.
///
/// Two implementations: ``SQLiteStore`` (the default, a file under the root) and
/// ``InMemoryStore`` for tests. Both must behave identically; the store tests run over both.
public protocol Store: LeaseStore {
    /// Everything the planner needs about every model.
    func observe() throws -> ObservedState

    func recordVersion(_ v: VersionRecord) throws
    func recordVerdict(_ v: VerdictRecord) throws
    /// Opens a publication, closing the model's previous one (never before that one started).
    func recordPublication(_ p: PublicationRecord) throws
    /// Closes the model's open publication (never before it started).
    func recordRetirement(model: String, at: Date) throws
    func recordEvent(_ e: EventRecord) throws
    /// Writes every record another store held, each as it was there (publication ids and
    /// retirement times, events and feedback snapshots in their order, snapshots' bytes and drop
    /// times), in one transaction: `sluice store copy`. Later records follow them (a new
    /// publication gets a higher id than every one written here).
    /// - Throws: ``StoreError`` when this store already holds model records (nothing is written),
    ///   or a snapshot's bytes are not its digest.
    func importRecords(_ records: StoreRecords) throws
    /// Records each model's condition after a cycle; a record whose condition and message are
    /// unchanged keeps its `since`.
    func recordConditions(_ records: [ConditionRecord]) throws
    /// The last recorded condition of every model, by name.
    func conditions() throws -> [ConditionRecord]

    /// Records a monitored model's state (replacing its previous one) and the events of its
    /// transitions, in one transaction.
    func recordMonitor(_ state: MonitorState, events: [EventRecord]) throws
    /// The monitor state of every monitored model, by name.
    func monitorStates() throws -> [MonitorState]
    /// Forgets the monitor state of models no longer watched (no `spec.monitor`, or nothing in service).
    func removeMonitorStates(models: [String]) throws

    /// Records a feedback snapshot (its canonical CSV bytes with it) and the events of the retrain
    /// it starts, in one transaction. The same model and digest again changes nothing.
    /// - Throws: ``StoreError`` when the bytes are not the record's digest (nothing is recorded).
    func recordFeedbackSnapshot(_ snapshot: FeedbackSnapshotRecord, csv: [UInt8], events: [EventRecord]) throws
    /// The feedback snapshots of a model (`nil`: of every model), oldest first, without their bytes.
    func feedbackSnapshots(model: String?) throws -> [FeedbackSnapshotRecord]
    /// The CSV bytes of a model's snapshot, checked against its digest.
    /// - Throws: ``StoreError`` when the store has no such snapshot or its bytes do not match.
    func feedbackSnapshot(model: String, digest: String) throws -> [UInt8]
    /// Marks a model's snapshot dropped at `at` (`sluice feedback drop`) and records `event`, in one
    /// transaction; the snapshot and its bytes are kept. A snapshot already dropped changes nothing
    /// (its first `droppedAt` stays, and no event is recorded).
    /// - Throws: ``StoreError`` when the store has no such snapshot.
    func dropFeedbackSnapshot(model: String, digest: String, at: Date, event: EventRecord) throws

    func version(model: String, id: String) throws -> VersionRecord?
    /// Every version of a model, oldest first.
    func versions(model: String) throws -> [VersionRecord]
    func verdicts(model: String) throws -> [VerdictRecord]
    /// Every publication of a model, oldest first.
    func publications(model: String) throws -> [PublicationRecord]
    /// Open publications of every model, by name.
    func activePublications() throws -> [PublicationRecord]
    /// The last `lastPerModel` publications of every model, each with its version's metrics, in one
    /// read: by model (in byte order), then oldest publication first. A page showing every model's
    /// metric across its publications asks once, not once per model.
    /// - Parameter models: only these models' (`nil`: every model's).
    func publishedMetrics(lastPerModel: Int, models: [String]?) throws -> [PublishedMetrics]
    func events(model: String?, limit: Int) throws -> [EventRecord]
    /// A page of the event log, newest first, each event with its sequence (the web UI's
    /// `/ui/events`). Reads only the page's rows, through an index, whatever the filter.
    func eventLog(_ query: EventLogQuery) throws -> [LoggedEvent]
    /// How many events of each kind the log holds, of one model (`nil`: of every model); kinds
    /// without events are absent.
    func eventCounts(model: String?) throws -> [EventKind: Int]
    /// Names of every model the store has seen.
    func modelNames() throws -> [String]

    /// Stores artifact bytes under their SHA-256 and returns it.
    func putArtifact(_ bytes: [UInt8]) throws -> String
    /// The bytes of an artifact, verified against `digest`.
    func artifact(_ digest: String) throws -> [UInt8]
    /// Whether the store holds an artifact (without reading it).
    func hasArtifact(_ digest: String) -> Bool
    /// Which of `digests` the store holds, asked at once (a plan checks every version's artifact:
    /// one query, not one round trip each, on a store behind a network).
    func heldArtifacts(among digests: Set<String>) throws -> Set<String>
    /// Every artifact held: digest → size in bytes.
    func storedArtifacts() throws -> [String: Int64]
    /// Removes an artifact (`sluice gc`); the versions that recorded it are then trained again
    /// when needed (``Reconciler`` leaves versions whose artifact is gone out of what it observes).
    func removeArtifact(_ digest: String) throws

    /// The cached digest of a file at `path` with this stamp, if any.
    func cachedDigest(path: String, stamp: FileStamp) throws -> String?
    func cacheDigest(path: String, stamp: FileStamp, digest: String) throws
    /// The whole digest cache, read at once (a plan observes thousands of files).
    func cachedDigests() throws -> [String: (FileStamp, String)]

    /// The directory artifacts are kept in, when they are files (for the start-up sweep of
    /// temporary files a kill left there); `nil` for a store that keeps them elsewhere.
    var artifactsDirectory: String? { get }
}

extension Store {
    public var artifactsDirectory: String? { nil }

    /// Each digest checked by ``hasArtifact(_:)`` (stores whose check is local and cheap).
    public func heldArtifacts(among digests: Set<String>) throws -> Set<String> { digests.filter(hasArtifact) }
}

extension Store {
    /// Builds the observed state from records (shared by both implementations).
    func buildObserved(versions: [VersionRecord], verdicts: [VerdictRecord], publications: [PublicationRecord]) -> ObservedState {
        var models: [String: ObservedModel] = [:]
        for v in versions {
            models[v.model, default: ObservedModel(name: v.model)].versions[v.id] = VersionSummary(
                id: v.id, artifactDigest: v.artifactDigest, inputs: v.inputs, dataDigest: v.dataDigest, testDigest: v.testDigest,
                feedbackDigest: v.feedbackDigest)
        }
        for v in verdicts {
            models[v.model, default: ObservedModel(name: v.model)].verdicts[v.version, default: [:]][v.gateDigest] =
                Verdict(passed: v.passed, summary: v.summary)
        }
        for p in publications where p.retiredAt == nil {
            models[p.model, default: ObservedModel(name: p.model)].publication = p.publication
        }
        return ObservedState(models: models)
    }
}
