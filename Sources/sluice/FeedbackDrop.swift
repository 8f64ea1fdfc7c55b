import ArgumentParser
import Foundation
import SluiceController
import SluiceReconcile

extension Sluice.Feedback {
    /// `sluice feedback drop NAME`: sets a feedback snapshot aside, so the model goes back to the one
    /// before it or to its dataset alone.
    struct Drop: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Drop a feedback snapshot: the model goes back to the snapshot before it, or to its dataset alone.",
            discussion: """
                Marks the snapshot dropped (default: the newest not yet dropped; --snapshot names one by the first 8 or \
                more characters of its digest). The store keeps it, and its version: `snapshots` and `export` still show \
                it, and the retrain guards (cooldown, maxPerWeek) still count it. But no version trains on it any more: \
                the next plan or reconcile cycle goes back to the previous snapshot of the same training inputs, or to the \
                dataset alone (a version already trained is published again without training), and the retrain loop no \
                longer waits for it. Records a `dropped` event. Takes the store's lock, so it waits for a running apply \
                and fails while a controller runs (stop it first). Dropping a snapshot already dropped changes nothing. \
                Exit codes: 0 dropped (or already dropped), 1 no store, no such snapshot, or the lock is held.
                """)

        @OptionGroup var options: GlobalOptions

        @Argument(help: "The model's name.")
        var name: String

        @Option(help: ArgumentHelp("The snapshot: at least 8 leading characters of its digest (default: the newest not yet dropped).", valueName: "DIGEST-PREFIX"))
        var snapshot: String?

        @Option(help: "How long to wait for another process holding the store's lock (10s, 1m, or seconds).",
                transform: DurationOption.seconds)
        var lockTimeout: Double = 10

        func run() throws {
            // Never creates a store: there is nothing to drop without one.
            _ = try options.requireStoreReadOnly()
            let store = try options.openStore()
            let lock = try options.lockStore(store, timeout: lockTimeout)
            defer { lock.release() }
            do {
                let records = try store.feedbackSnapshots(model: name)
                let record = try SnapshotChoice.pick(records, model: name, prefix: snapshot, fallback: { $0.droppedAt == nil },
                                                     noFallback: "every feedback snapshot of \(name) is dropped already; nothing changed")
                let short = "\(record.digest.prefix(12))"
                if let at = record.droppedAt {
                    Terminal.print("feedback snapshot \(short) of \(name) was dropped already, at \(SnapshotChoice.iso(at)); nothing changed")
                    return
                }
                let now = Date()
                let after = FeedbackSnapshotRecord.current(records.filter { $0.digest != record.digest }, base: [name: record.baseVersion])[name]
                let back = after.map { "feedback snapshot \($0.digest.prefix(12)) of the same training inputs" } ?? "the dataset alone"
                let message = "feedback snapshot \(short) (taken at \(SnapshotChoice.iso(record.createdAt)) for training inputs "
                    + "\(VersionIdentity.short(record.baseVersion))) dropped by sluice feedback drop; those inputs train on \(back) again"
                try store.dropFeedbackSnapshot(model: name, digest: record.digest, at: now,
                                               event: EventRecord(at: now, model: name, kind: .dropped, message: message, revision: nil))
                Terminal.print("dropped feedback snapshot \(short) of \(name); while the manifest's training inputs are "
                    + "\(VersionIdentity.short(record.baseVersion)), \(name) trains on \(back) (see `sluice plan`)")
            } catch {
                Terminal.error("\(error)")
                throw ExitCode(1)
            }
        }
    }
}
