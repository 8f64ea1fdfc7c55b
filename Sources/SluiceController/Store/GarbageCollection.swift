import Foundation

/// Which stored artifacts `sluice gc` removes: a pure function of the store's records.
///
/// Kept: the artifact of every version in service (an open publication: the champion), and of
/// the newest ``keep`` versions of every model (the ones a rollback or a revert is likely to
/// want, published again at once without training). Removed: every other artifact, including
/// the ones no version records at all (left by a process killed between writing an artifact and
/// recording its version). History is never removed: versions, verdicts, publications and events
/// stay, and a version whose artifact was collected is trained again, byte for byte the same,
/// if a manifest asks for it again.
public struct GarbageCollection: Sendable, Equatable {
    /// An artifact to remove, with the versions that recorded it (none for an orphan).
    public struct Removal: Sendable, Equatable {
        public var digest: String
        public var bytes: Int64
        /// Every version that recorded this artifact, by "model/version".
        public var versions: [Owner]
    }

    /// A version that recorded an artifact.
    public struct Owner: Sendable, Equatable, CustomStringConvertible {
        public var model: String
        public var id: String
        /// "model/version".
        public var description: String { "\(model)/\(id)" }
    }

    public var removals: [Removal]
    /// Why an artifact is kept.
    public enum KeepReason: String, Sendable, Equatable {
        /// A version of it is published.
        case published
        /// It belongs to one of its model's newest versions (`--keep`).
        case newest
    }

    /// Artifacts kept (by digest), and why.
    public var kept: [String: KeepReason]

    public var bytes: Int64 { removals.reduce(0) { $0 + $1.bytes } }

    /// - Parameters:
    ///   - stored: every artifact in the store, digest → size in bytes.
    ///   - versions: every version record of every model.
    ///   - published: the artifact digests of open publications.
    ///   - keep: how many of each model's newest versions keep their artifacts.
    public static func plan(stored: [String: Int64], versions: [VersionRecord], published: Set<String>, keep: Int) -> GarbageCollection {
        var kept: [String: KeepReason] = [:]
        for digest in published where stored[digest] != nil { kept[digest] = .published }
        for (_, history) in Dictionary(grouping: versions, by: \.model) {
            let newest = history.sorted { ($0.trainedAt, $0.id) > ($1.trainedAt, $1.id) }.prefix(keep)
            for v in newest where stored[v.artifactDigest] != nil && kept[v.artifactDigest] == nil { kept[v.artifactDigest] = .newest }
        }
        let recordedBy = Dictionary(grouping: versions, by: \.artifactDigest).mapValues { $0.map { Owner(model: $0.model, id: $0.id) }.sorted { $0.description < $1.description } }
        let removals = stored.keys.filter { kept[$0] == nil }.sorted().map { digest in
            Removal(digest: digest, bytes: stored[digest]!, versions: recordedBy[digest] ?? [])
        }
        return GarbageCollection(removals: removals, kept: kept)
    }
}
