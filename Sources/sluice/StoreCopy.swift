import ArgumentParser
import Foundation
import SluiceController
import SluiceCore

extension Sluice.StoreCommand {
    /// `sluice store copy --from URL --to URL`: moves a store's history and artifacts into another store.
    struct Copy: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Copy every record and artifact of one store into another, empty one (e.g. SQLite to PostgreSQL).",
            discussion: """
                Copies every version, verdict, publication (with its times and reason), event (in order), condition, \
                monitor state and feedback snapshot (with its bytes), and every artifact; then checks the copy: the same \
                records, and every artifact read back under its SHA-256. Not copied: the file-digest cache (its paths are \
                this machine's; the next plan against the destination reads the files again) and the writer lease. \
                The source is opened read-only and must not be in use (stop `sluice run` first); the destination's \
                writer lease is held while copying. The destination must hold no model records, or exactly the source's: \
                running the copy again, or after it was killed, finishes it or changes nothing. --store is not used. \
                Exit codes: 0 copied (or nothing to copy), 1 an error, the stores are the same, or the destination \
                holds other records (nothing is copied).
                """)

        @OptionGroup var options: GlobalOptions

        @Option(help: ArgumentHelp("The store to copy: sqlite:PATH (relative to the root) or postgres://USER@HOST:PORT/DB.", valueName: "URL"))
        var from: String

        @Option(help: ArgumentHelp("The store to copy into, created if needed: sqlite:PATH or postgres://USER@HOST:PORT/DB.", valueName: "URL"))
        var to: String

        @Option(help: "How long to wait for another process holding the destination's lock (10s, 1m, or seconds).",
                transform: DurationOption.seconds)
        var lockTimeout: Double = 10

        @Flag(help: "Print what was copied as JSON.")
        var json = false

        func validate() throws {
            guard options.store == GlobalOptions.defaultStore else {
                throw ValidationError("store copy reads --from and writes --to; drop --store \(options.store)")
            }
            try GlobalOptions.checkStore(from, option: "--from")
            try GlobalOptions.checkStore(to, option: "--to")
            guard identity(from) != identity(to) else {
                throw ValidationError("--from and --to name the same store (\(at(from).storePath)); copy into another store")
            }
        }

        /// The global options with `--store` set to `url`.
        func at(_ url: String) -> GlobalOptions {
            var o = options
            o.store = url
            return o
        }

        /// What tells two stores apart: a PostgreSQL URI as given, a SQLite file's path with links resolved.
        func identity(_ url: String) -> String {
            let o = at(url)
            if let uri = o.postgresURI { return uri }
            return URL(fileURLWithPath: o.storePath).resolvingSymlinksInPath().path
        }

        func run() throws {
            let source = at(from), destination = at(to)
            let sourceStore = try source.requireStoreReadOnly()
            let destinationStore = try destination.openStore()
            let lock = try destination.lockStore(destinationStore, timeout: lockTimeout)
            defer { lock.release() }
            let summary: StoreCopy.Summary
            do {
                summary = try StoreCopy.run(from: sourceStore, to: destinationStore, sourceLabel: source.storePath,
                                            destinationLabel: destination.storePath)
            } catch {
                Terminal.error("\(error)")
                throw ExitCode(1)
            }
            if json {
                Terminal.printJSON([
                    "formatVersion": 1, "from": .string(Redaction.text(source.storePath)), "to": .string(Redaction.text(destination.storePath)),
                    "recordsCopied": .bool(summary.recordsCopied),
                    "records": .object(Dictionary(uniqueKeysWithValues: summary.records.counts.map { ($0.key, JSON.number(Double($0.count))) })),
                    "artifacts": ["count": .number(Double(summary.artifacts.count)), "bytes": .number(Double(summary.artifactBytes)),
                                  "copied": .number(Double(summary.artifactsCopied)), "verified": .bool(true)],
                    "notCopied": .strings(["file-digest cache", "writer lease"]),
                ])
                return
            }
            let counts = summary.records.counts.map { StoreRecords.words($0.count, $0.noun) }.joined(separator: ", ")
            let artifacts = "\(StoreRecords.words(summary.artifacts.count, "artifact")), \(Downloads.bytes(summary.artifactBytes)), "
                + "each read back under its sha256 (\(summary.artifactsCopied) copied now)"
            let line = summary.recordsCopied
                ? "copied \(source.storePath) to \(destination.storePath): \(counts); \(artifacts). "
                    + "Not copied: the file-digest cache (the next plan reads the files again)."
                : "\(destination.storePath) already holds every record of \(source.storePath) (\(counts)); nothing to copy. \(artifacts)."
            Terminal.print(Terminal.paint("store copy:", .bold) + " " + Redaction.text(line))
        }
    }
}
