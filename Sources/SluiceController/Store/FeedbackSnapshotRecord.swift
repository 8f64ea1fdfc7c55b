import Foundation
import SluiceCore
import SluiceReconcile

/// A feedback snapshot an automatic retrain took (`spec.monitor.onBreach: "retrain"`), without its
/// bytes: one per retrain, so the list of a model's snapshots is also the history its guards
/// (``RetrainGuard``) count.
public struct FeedbackSnapshotRecord: Sendable, Equatable {
    public var model: String
    /// The SHA-256 of its CSV bytes (``FeedbackSnapshot/digest``).
    public var digest: String
    /// The version id of the training inputs it was taken for (``DesiredModel/baseVersionID``):
    /// it applies only while the manifest's inputs give that id.
    public var baseVersion: String
    /// The manifest's digest when it was taken (the retrain guards count per spec).
    public var specDigest: String
    /// The version in service whose breach started the retrain.
    public var servedVersion: String
    /// The breach, in words (kind, reason, measurement, since when).
    public var trigger: String
    /// Rows to train on (the previous snapshot's rows and the older fresh ones).
    public var trainRows: Int
    /// Fresh rows held out to gate on.
    public var holdoutRows: Int
    /// Rows no earlier snapshot held.
    public var freshRows: Int
    public var createdAt: Date
    /// The git revision of the manifests.
    public var revision: String?
    /// When `sluice feedback drop` set it aside, if it did: a dropped snapshot is kept (lineage,
    /// and the retrain guards still count it) but no desired version trains on it (``current(_:base:)``).
    public var droppedAt: Date?

    public init(model: String, digest: String, baseVersion: String, specDigest: String, servedVersion: String, trigger: String,
                trainRows: Int, holdoutRows: Int, freshRows: Int, createdAt: Date, revision: String?, droppedAt: Date? = nil) {
        self.model = model
        self.digest = digest
        self.baseVersion = baseVersion
        self.specDigest = specDigest
        self.servedVersion = servedVersion
        self.trigger = trigger
        self.trainRows = trainRows
        self.holdoutRows = holdoutRows
        self.freshRows = freshRows
        self.createdAt = createdAt
        self.revision = revision
        self.droppedAt = droppedAt
    }

    /// What a desired model trains on when this is its newest snapshot.
    public var input: FeedbackInput {
        FeedbackInput(digest: digest, trainRows: trainRows, holdoutRows: holdoutRows, trigger: trigger)
    }

    /// Checks that `csv` are this snapshot's bytes before a store records them: bytes kept under
    /// another digest could never be read back, and would fail every training on the snapshot.
    /// - Throws: ``StoreError`` naming both digests.
    func check(_ csv: [UInt8]) throws {
        let actual = SHA256.hex(of: csv)
        guard actual == digest else {
            throw StoreError("feedback snapshot \(digest.prefix(8))… of \(model) was given bytes whose SHA-256 is \(actual.prefix(8))…; nothing was recorded")
        }
    }

    /// The newest snapshot of each model for the training inputs `base` (model → base version id)
    /// that was not dropped: dropping the newest goes back to the one before, or to the dataset alone.
    public static func current(_ records: [FeedbackSnapshotRecord], base: [String: String]) -> [String: FeedbackSnapshotRecord] {
        var out: [String: FeedbackSnapshotRecord] = [:]
        for r in records where base[r.model] == r.baseVersion && r.droppedAt == nil {
            // Records come oldest first: the last one wins.
            out[r.model] = r
        }
        return out
    }
}
