import Foundation
import SluiceController

/// Which feedback snapshot a `sluice feedback` subcommand acts on (pure): the one a digest prefix
/// names, or a default.
enum SnapshotChoice {
    /// The shortest digest prefix `--snapshot` takes.
    static let minimumPrefix = 8

    /// The snapshot of `model` among `records` (oldest first) whose digest starts with `prefix`, or
    /// when there is no prefix the last one `fallback` accepts.
    /// - Throws: ``SnapshotChoiceError`` when the model has none, the prefix is too short or not
    ///   hexadecimal, or it matches none or more than one (the message lists the candidates).
    static func pick(_ records: [FeedbackSnapshotRecord], model: String, prefix: String?, fallback: (FeedbackSnapshotRecord) -> Bool = { _ in true },
                     noFallback: String = "") throws(SnapshotChoiceError) -> FeedbackSnapshotRecord {
        let wanted = prefix?.lowercased()
        if let prefix, let wanted, wanted.count < minimumPrefix || !wanted.allSatisfy(\.isHexDigit) {
            throw SnapshotChoiceError("--snapshot \(prefix): expected at least \(minimumPrefix) hexadecimal characters of a snapshot's digest "
                + "(`sluice feedback snapshots \(model)` lists them)")
        }
        guard !records.isEmpty else {
            throw SnapshotChoiceError("the store has no feedback snapshot of \(model); automatic retrains (spec.monitor.onBreach \"retrain\") take them")
        }
        guard let prefix, let wanted else {
            guard let last = records.last(where: fallback) else { throw SnapshotChoiceError(noFallback) }
            return last
        }
        let matches = records.filter { $0.digest.hasPrefix(wanted) }
        switch matches.count {
        case 1: return matches[0]
        case 0:
            throw SnapshotChoiceError("--snapshot \(prefix): no feedback snapshot of \(model) has a digest starting so; its snapshots: "
                + list(records))
        default:
            throw SnapshotChoiceError("--snapshot \(prefix): \(matches.count) feedback snapshots of \(model) have a digest starting so ("
                + list(matches) + "); give more characters")
        }
    }

    /// A time as `snapshots` and the messages show it.
    static func iso(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }

    private static func list(_ records: [FeedbackSnapshotRecord]) -> String {
        records.map { "\($0.digest.prefix(16))… (\(iso($0.createdAt)))" }.joined(separator: ", ")
    }
}

/// A snapshot a `sluice feedback` subcommand cannot pick, and what to do.
struct SnapshotChoiceError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
