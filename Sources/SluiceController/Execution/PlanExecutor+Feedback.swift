import Foundation
import SluiceCore
import SluiceLearn
import SluiceReconcile

extension PlanExecutor {
    /// The frames a desired model trains and is tested on: its dataset's split; with a feedback
    /// snapshot (an automatic retrain), the snapshot's train rows added to the training frame and
    /// its holdout rows — recent rows no version trained on — as the test frame, which the gate
    /// then judges the candidate and the champion on.
    /// - Returns: the frames, and with a snapshot the rows the reference profile is built on: the
    ///   dataset's test split and the holdout rows, more than the holdout alone, so that drift and
    ///   live performance are judged against a steadier baseline (`nil`: the test frame).
    /// - Throws: ``DataError`` when the data or the snapshot cannot be read or used.
    public func frames(_ d: DesiredModel) throws -> (train: DataFrame, test: DataFrame, reference: DataFrame?) {
        let m = d.manifest
        let parts = try data.partition(m, data: d.data, spec: m.trainingSpec)
        guard let feedback = d.feedback else { return (parts.train, parts.test, nil) }
        let short = "\(feedback.digest.prefix(8))…"
        let snapshot: FeedbackSnapshot
        do { snapshot = try FeedbackSnapshot.parse(try store.feedbackSnapshot(model: m.name, digest: feedback.digest)) } catch {
            throw DataError("feedback snapshot \(short) of \(m.name) cannot be read: \(error)")
        }
        let rows: (train: DataFrame, holdout: DataFrame)
        do { rows = try snapshot.frames(like: parts.train) } catch {
            throw DataError("feedback snapshot \(short) of \(m.name) does not fit \(Redaction.url(m.dataset.source)): \(error)")
        }
        guard rows.holdout.rowCount > 0 else {
            throw DataError("feedback snapshot \(short) of \(m.name) holds out no rows, so a version trained on it cannot be gated")
        }
        guard rows.holdout.columnNames == parts.test.columnNames else {
            throw DataError("the test file of \(m.name) has other columns than its dataset, so the holdout rows of feedback snapshot \(short) cannot join it")
        }
        return (parts.train.appending(rows.train), rows.holdout, parts.test.appending(rows.holdout))
    }

    /// The lineage of a version trained on a feedback snapshot, for `metadata.json`: the snapshot
    /// and the breach that started the retrain; `nil` for a version without one.
    func feedbackLineage(_ v: VersionRecord) throws -> JSON? {
        guard let digest = v.feedbackDigest else { return nil }
        guard let s = try store.feedbackSnapshots(model: v.model).last(where: { $0.digest == digest }) else {
            return ["snapshot": .string(digest)]
        }
        return [
            "snapshot": .string(digest), "trainRows": .number(Double(s.trainRows)), "holdoutRows": .number(Double(s.holdoutRows)),
            "trigger": .string(s.trigger), "servedVersion": .string(s.servedVersion), "baseVersion": .string(s.baseVersion),
            "takenAt": .string(ISO8601DateFormatter().string(from: s.createdAt)),
        ]
    }
}
