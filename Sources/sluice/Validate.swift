import ArgumentParser
import SluiceController
import SluiceCore
import SluiceManifest

extension Sluice {
    /// `sluice validate`: check every manifest and its data without training.
    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check every manifest (format, names, data reachable and usable) without training.",
            discussion: "Exit codes: 0 all valid, 1 a problem was found.")

        @OptionGroup var options: GlobalOptions

        @Flag(help: "Print the results as JSON.")
        var json = false

        func run() throws {
            // Validating never creates a store (it only caches file digests in one that exists).
            let store: any Store = try options.openStoreReadOnly() ?? InMemoryStore()
            let reconciler = options.reconciler(store: store)
            let set = reconciler.loadManifests()
            let results = Validation(data: reconciler.data, targets: reconciler.targets).check(set)
            let invalid = results.filter { $0.problem != nil }
            if json {
                Terminal.printJSON([
                    "valid": .bool(set.errors.isEmpty && invalid.isEmpty),
                    "errors": .array(set.errors.map(\.json)),
                    "models": .array(results.map { r in
                        ["name": .string(r.model), "file": .string(r.file), "problem": r.problem.map(JSON.string) ?? .null,
                         "warnings": .strings(r.warnings)]
                    }),
                ])
            } else {
                for e in set.errors { Terminal.print(Terminal.paint("✗ ", .red) + "\(e)") }
                for r in results {
                    if let p = r.problem {
                        Terminal.print(Terminal.paint("✗ ", .red) + "\(r.file): \(r.model): \(p)")
                    } else {
                        Terminal.print(Terminal.paint("✓ ", .green) + "\(r.model) (\(r.file))")
                    }
                    for w in r.warnings { Terminal.print(Terminal.paint("  Warning: ", .yellow) + w) }
                }
                let bad = set.errors.count + invalid.count
                Terminal.print(bad == 0 ? "\(results.count) manifest(s) valid." : "\(bad) problem(s) found in \(set.files.count) file(s).")
            }
            if !set.errors.isEmpty || !invalid.isEmpty { throw ExitCode(1) }
        }
    }
}
