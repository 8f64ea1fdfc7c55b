import Foundation
import SluiceController
import SluiceCore
import SluiceReconcile

/// The rows of `status`, read from the store alone.
enum StatusRows {
    /// One JSON object per model the store knows (docs/json-output.md).
    static func read(_ store: any Store) throws -> [JSON] {
        let iso = ISO8601DateFormatter()
        let conditions = Dictionary(try store.conditions().map { ($0.model, $0) }) { $1 }
        let published = Dictionary(try store.activePublications().map { ($0.model, $0) }) { $1 }
        let monitored = Dictionary(try store.monitorStates().map { ($0.model, $0) }) { $1 }
        let (work, now) = try queued(store)
        var names = Set(try store.modelNames())
        names.formUnion(conditions.keys)
        names.formUnion(work.keys)
        return try names.sorted().map { name in
            let pub = published[name]
            let version = try pub.flatMap { try store.version(model: name, id: $0.version) }
            let recorded = conditions[name]
            let unrecorded = work[name] == nil
                ? "no condition recorded yet (the store was written by an older sluice); the next apply or controller cycle records it"
                : "no condition recorded yet: the replicas have not finished their first work on it"
            return [
                "name": .string(name),
                "condition": .string(recorded?.condition ?? "unknown"),
                "message": .string(recorded?.message ?? unrecorded),
                "since": recorded.map { .string(iso.string(from: $0.since)) } ?? .null,
                "checkedAt": recorded.map { .string(iso.string(from: $0.checkedAt)) } ?? .null,
                "revision": recorded?.revision.map(JSON.string) ?? .null,
                "published": pub.map { p in
                    ["version": .string(p.version), "target": p.targetJSON, "artifactDigest": .string(p.artifactDigest),
                     "publishedAt": .string(iso.string(from: p.publishedAt)), "revision": p.revision.map(JSON.string) ?? .null]
                } ?? .null,
                "metrics": version.map { .object($0.metrics.mapValues(JSON.number)) } ?? .null,
                "monitor": monitored[name].map { monitor($0, iso) } ?? .null,
                "work": StatusWork.json(work[name], now: now, iso),
            ]
        }
    }

    /// The entries of the replicas' work queue not finished yet, by model, and the store
    /// server's time they are judged at; none for a store without a queue (SQLite).
    static func queued(_ store: any Store) throws -> ([String: WorkEntry], Date) {
        guard let queue = store as? any WorkQueue else { return ([:], Date()) }
        let now = try queue.serverTime()
        let entries = try queue.workEntries().filter { StatusWork.state($0, now: now) != nil }
        return (Dictionary(entries.map { ($0.model, $0) }) { $1 }, now)
    }

    /// A model's monitor state: `{"version", "checkedAt", "problem", "conditions": [{"type", "reason",
    /// "message", "features", "since", "breached"}], "report", "retrain"}` (`retrain`: where the
    /// retrain loop stands, or `null`).
    static func monitor(_ m: MonitorState, _ iso: ISO8601DateFormatter) -> JSON {
        [
            "version": m.version.map(JSON.string) ?? .null,
            "checkedAt": .string(iso.string(from: m.checkedAt)),
            "problem": m.problem.map(JSON.string) ?? .null,
            "conditions": .array(m.conditions.map { c in
                [
                    "type": .string(c.condition.kind.rawValue), "reason": .string(c.condition.reason.rawValue),
                    "message": .string(c.condition.message), "features": .strings(c.condition.features),
                    "since": .string(iso.string(from: c.since)), "breached": .bool(c.breached),
                ]
            }),
            "report": m.report.flatMap { try? JSONParser.parse(Array($0.utf8)).value } ?? .null,
            "retrain": m.retrain.map(JSON.string) ?? .null,
        ]
    }
}
