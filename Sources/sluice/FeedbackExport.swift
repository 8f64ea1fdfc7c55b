import ArgumentParser
import Foundation
import SluiceController
import SluiceSystem

extension Sluice.Feedback {
    /// `sluice feedback export NAME`: the canonical CSV bytes of a feedback snapshot.
    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a feedback snapshot's CSV (its exact bytes: their SHA-256 is its digest).",
            discussion: """
                The newest snapshot of the model, or the one --snapshot names by the first 8 or more characters of its \
                digest (`sluice feedback snapshots NAME` lists them), dropped or not. To standard output, or with -o to a \
                file, written atomically. Reads the store only. \
                Exit codes: 0 written, 1 no store, no snapshot of the model, a prefix matching none or several, or a write error.
                """)

        @OptionGroup var options: GlobalOptions

        @Argument(help: "The model's name.")
        var name: String

        @Option(help: ArgumentHelp("The snapshot: at least 8 leading characters of its digest (default: the newest).", valueName: "DIGEST-PREFIX"))
        var snapshot: String?

        @Option(name: [.customShort("o"), .customLong("output")], help: ArgumentHelp("Write to this file instead of standard output.", valueName: "FILE"))
        var output: String?

        func run() throws {
            let store = try options.requireStoreReadOnly()
            do {
                let record = try SnapshotChoice.pick(try store.feedbackSnapshots(model: name), model: name, prefix: snapshot)
                let csv = try store.feedbackSnapshot(model: name, digest: record.digest)
                if let output {
                    try AtomicFile.write(csv, to: output)
                    Terminal.print("wrote feedback snapshot \(record.digest.prefix(12)) of \(name) (\(csv.count) bytes) to \(output)")
                } else {
                    FileHandle.standardOutput.write(Data(csv))
                }
            } catch {
                Terminal.error("\(error)")
                throw ExitCode(1)
            }
        }
    }
}
