import ArgumentParser
import Foundation
import SluiceController
import SluiceCore

extension Sluice {
    /// `sluice gc`: removes stored artifacts that no published model and no recent version needs.
    struct GC: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "gc",
            abstract: "Remove stored artifacts that no published model and no recent version needs.",
            discussion: """
                Keeps the artifact of every published version and of the newest --keep versions of each model; removes \
                the others, and artifacts no version records (left by a killed process). History (versions, metrics, \
                verdicts, publications, events) is never removed; a version whose artifact was removed is trained again, \
                byte for byte the same, if a manifest asks for it again. Takes the store's lock, so it waits for a \
                running apply or controller. Exit codes: 0 done, 1 an error.
                """)

        @OptionGroup var options: GlobalOptions

        @Option(help: "How many of each model's newest versions keep their artifacts (besides the published one).")
        var keep: Int = 3

        @Flag(help: "Show what would be removed, and remove nothing.")
        var dryRun = false

        @Option(help: "How long to wait for another process holding the store's lock (10s, 1m, or seconds).",
                transform: DurationOption.seconds)
        var lockTimeout: Double = 10

        @Flag(help: "Print the result as JSON.")
        var json = false

        func validate() throws {
            guard keep >= 1 else { throw ValidationError("--keep \(keep): keep at least 1 version of each model") }
        }

        func run() throws {
            // A dry run reads only, and never creates a store.
            let store: any Store = dryRun ? try options.requireStoreReadOnly() : try options.openStore()
            let lock = dryRun ? nil : try options.lockStore(store, timeout: lockTimeout)
            defer { lock?.release() }
            let collection: GarbageCollection
            do {
                let versions = try store.modelNames().flatMap { try store.versions(model: $0) }
                let published = Set(try store.activePublications().map(\.artifactDigest))
                collection = GarbageCollection.plan(stored: try store.storedArtifacts(), versions: versions, published: published, keep: keep)
                if !dryRun {
                    for removal in collection.removals {
                        try store.removeArtifact(removal.digest)
                        for owner in removal.versions {
                            try store.recordEvent(EventRecord(at: Date(), model: owner.model, kind: .collected,
                                                              message: "artifact of \(owner.id.prefix(12)) removed by sluice gc; the version is trained again if it is needed",
                                                              revision: nil))
                        }
                    }
                    if let artifacts = store.artifactsDirectory { TemporaryFiles.sweep(artifacts, depth: 2) }
                }
            } catch {
                Terminal.error("\(error)")
                throw ExitCode(1)
            }
            if json {
                Terminal.printJSON([
                    "formatVersion": 1, "dryRun": .bool(dryRun), "bytes": .number(Double(collection.bytes)),
                    "removed": .array(collection.removals.map { r in
                        ["sha256": .string(r.digest), "bytes": .number(Double(r.bytes)), "versions": .strings(r.versions.map(\.description))]
                    }),
                    "kept": .number(Double(collection.kept.count)),
                ])
                return
            }
            let verb = dryRun ? "would remove" : "removed"
            for r in collection.removals {
                let owners = r.versions.isEmpty ? "recorded by no version" : r.versions.map { "\($0.model) \($0.id.prefix(12))" }.joined(separator: ", ")
                Terminal.print("\(verb) \(r.digest.prefix(12))  \(Downloads.bytes(r.bytes))  \(owners)")
            }
            let published = collection.kept.values.filter { $0 == .published }.count
            Terminal.print(Terminal.paint("gc:", .bold) + " \(verb) \(collection.removals.count) artifact(s), \(Downloads.bytes(collection.bytes)); "
                + "kept \(collection.kept.count) (\(published) published, the rest among the newest \(keep) of each model).")
        }
    }
}
