import Foundation
import SluiceReconcile

/// Every record a store holds about models, in an order that does not depend on the store: what
/// `sluice store copy` carries from one store to another (``Store/importRecords(_:)``) and
/// compares. Two stores holding equal records answer `status`, `history` and `plan` alike.
///
/// Not in it: artifacts (copied by digest), the file-digest cache (its paths are machine-local)
/// and the writer lease (a holding of one process on one store).
public struct StoreRecords: Sendable, Equatable {
    /// A feedback snapshot with its CSV bytes.
    public struct Snapshot: Sendable, Equatable {
        public var record: FeedbackSnapshotRecord
        public var csv: [UInt8]

        public init(record: FeedbackSnapshotRecord, csv: [UInt8]) {
            self.record = record
            self.csv = csv
        }
    }

    /// By model, then id.
    public var versions: [VersionRecord]
    /// By model, version, then gate digest.
    public var verdicts: [VerdictRecord]
    /// In the order they were recorded (by id), with their ids, times and reasons.
    public var publications: [PublicationRecord]
    /// In the order they were recorded, every model's in one sequence.
    public var events: [EventRecord]
    /// By model.
    public var conditions: [ConditionRecord]
    /// By model.
    public var monitorStates: [MonitorState]
    /// In the order they were recorded, with their bytes.
    public var feedbackSnapshots: [Snapshot]

    /// Puts the unordered kinds (versions, verdicts, conditions, monitor states) in their order;
    /// publications, events and snapshots keep the order given.
    public init(versions: [VersionRecord] = [], verdicts: [VerdictRecord] = [], publications: [PublicationRecord] = [],
                events: [EventRecord] = [], conditions: [ConditionRecord] = [], monitorStates: [MonitorState] = [],
                feedbackSnapshots: [Snapshot] = []) {
        self.versions = versions.sorted { ($0.model, $0.id) < ($1.model, $1.id) }
        self.verdicts = verdicts.sorted { ($0.model, $0.version, $0.gateDigest) < ($1.model, $1.version, $1.gateDigest) }
        self.publications = publications
        self.events = events
        self.conditions = conditions.sorted { $0.model < $1.model }
        self.monitorStates = monitorStates.sorted { $0.model < $1.model }
        self.feedbackSnapshots = feedbackSnapshots
    }

    /// Whether there is no record of any kind.
    public var isEmpty: Bool {
        versions.isEmpty && verdicts.isEmpty && publications.isEmpty && events.isEmpty && conditions.isEmpty
            && monitorStates.isEmpty && feedbackSnapshots.isEmpty
    }

    /// The names of every model with a record of any kind, sorted.
    public var models: [String] {
        var names = Set(versions.map(\.model))
        names.formUnion(verdicts.map(\.model))
        names.formUnion(publications.map(\.model))
        names.formUnion(events.map(\.model))
        names.formUnion(conditions.map(\.model))
        names.formUnion(monitorStates.map(\.model))
        names.formUnion(feedbackSnapshots.map(\.record.model))
        return names.sorted()
    }

    /// How many records of each kind: its JSON key, its name (singular), and the count.
    public var counts: [(key: String, noun: String, count: Int)] {
        [("models", "model", models.count), ("versions", "version", versions.count), ("verdicts", "verdict", verdicts.count),
         ("publications", "publication", publications.count), ("events", "event", events.count),
         ("conditions", "condition", conditions.count), ("monitorStates", "monitor state", monitorStates.count),
         ("feedbackSnapshots", "feedback snapshot", feedbackSnapshots.count)]
    }

    /// `count` and `noun`, plural unless one: "1 model", "3 versions".
    public static func words(_ count: Int, _ noun: String) -> String {
        "\(count) \(noun)\(count == 1 ? "" : "s")"
    }

    /// Reads every record of `store` through its protocol (artifacts aside).
    /// - Throws: ``StoreError`` when the store cannot be read, or holds what this Sluice cannot
    ///   read (an event kind a newer Sluice wrote, a snapshot whose bytes do not match its digest).
    public static func read(from store: any Store) throws -> StoreRecords {
        let conditions = try store.conditions()
        let monitorStates = try store.monitorStates()
        let snapshots = try store.feedbackSnapshots(model: nil)
        var names = Set(try store.modelNames())
        names.formUnion(conditions.map(\.model))
        names.formUnion(monitorStates.map(\.model))
        names.formUnion(snapshots.map(\.model))
        var versions: [VersionRecord] = [], verdicts: [VerdictRecord] = [], publications: [PublicationRecord] = []
        for name in names.sorted() {
            versions += try store.versions(model: name)
            verdicts += try store.verdicts(model: name)
            publications += try store.publications(model: name)
        }
        let ordered = publications.enumerated().sorted { ($0.element.id ?? .max, $0.offset) < ($1.element.id ?? .max, $1.offset) }.map(\.element)
        return StoreRecords(
            versions: versions, verdicts: verdicts, publications: ordered, events: try store.events(model: nil, limit: .max),
            conditions: conditions, monitorStates: monitorStates,
            feedbackSnapshots: try snapshots.map { Snapshot(record: $0, csv: try store.feedbackSnapshot(model: $0.model, digest: $0.digest)) })
    }
}
