import ArgumentParser
import Foundation
import SluiceController
import SluiceCore
import SluiceReconcile

extension Sluice.Feedback {
    /// `sluice feedback snapshots NAME`: the feedback snapshots automatic retrains took of a model.
    struct Snapshots: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the feedback snapshots automatic retrains took of a model, oldest first.",
            discussion: """
                One line per snapshot: its digest, when it was taken, the training inputs' version it applies to, the \
                version in service then, its train, held-out and fresh rows, whether `sluice feedback drop` dropped it, \
                and the breach that started it. Reads the store only. \
                Exit codes: 0 listed (none is an empty list), 1 no store, or a model the store does not know.
                """)

        @OptionGroup var options: GlobalOptions

        @Argument(help: "The model's name.")
        var name: String

        @Flag(help: "Print the snapshots as JSON.")
        var json = false

        func run() throws {
            let store = try options.requireStoreReadOnly()
            let records: [FeedbackSnapshotRecord]
            do {
                records = try store.feedbackSnapshots(model: name)
                guard try !records.isEmpty || store.modelNames().contains(name) else {
                    Terminal.error("the store has no model named \(name)")
                    throw ExitCode(1)
                }
            } catch let e as ExitCode { throw e } catch {
                Terminal.error("\(error)")
                throw ExitCode(1)
            }
            if json {
                Terminal.printJSON([
                    "formatVersion": 1, "name": .string(name),
                    "snapshots": .array(records.map { r in
                        [
                            "digest": .string(r.digest), "takenAt": .string(SnapshotChoice.iso(r.createdAt)),
                            "baseVersion": .string(r.baseVersion), "servedVersion": .string(r.servedVersion),
                            "trainRows": .number(Double(r.trainRows)), "holdoutRows": .number(Double(r.holdoutRows)),
                            "freshRows": .number(Double(r.freshRows)), "trigger": .string(Redaction.text(r.trigger)),
                            "specDigest": .string(r.specDigest), "revision": r.revision.map(JSON.string) ?? .null,
                            "droppedAt": r.droppedAt.map { .string(SnapshotChoice.iso($0)) } ?? .null,
                        ]
                    }),
                ])
                return
            }
            guard !records.isEmpty else {
                Terminal.print("\(name) has no feedback snapshots (automatic retrains, spec.monitor.onBreach \"retrain\", take them)")
                return
            }
            Terminal.print(Terminal.paint("Feedback snapshots of \(name)", .bold))
            for r in records {
                let dropped = r.droppedAt.map { Terminal.paint("  dropped \(SnapshotChoice.iso($0))", .yellow) } ?? ""
                Terminal.print("  \(r.digest.prefix(12))  \(SnapshotChoice.iso(r.createdAt))  inputs \(VersionIdentity.short(r.baseVersion))"
                    + "  served \(VersionIdentity.short(r.servedVersion))  train \(r.trainRows)  holdout \(r.holdoutRows)  fresh \(r.freshRows)\(dropped)")
                Terminal.print("      \(Redaction.text(r.trigger))")
            }
        }
    }
}
