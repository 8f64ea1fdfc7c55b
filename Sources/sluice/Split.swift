import ArgumentParser
import Foundation
import SluiceController
import SluiceCore
import SluiceLearn
import SluiceManifest

extension Sluice {
    /// `sluice split NAME`: the data rows that train and test a model, read-only.
    struct Split: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show which data rows train and which test a model.",
            discussion: """
                Rows are 1-based data-row numbers (row 1 is the first line after the CSV header), in the \
                order the model sees them; each part's sha256 is the digest of its row numbers written as \
                decimal lines. Reads the manifests and the data only: no store is opened or created.
                Exit codes: 0 success, 1 no such model, an invalid manifest or unreadable data.
                """)

        @OptionGroup var options: GlobalOptions

        @Argument(help: "The model's name.")
        var name: String

        @Flag(help: "Print the split as JSON.")
        var json = false

        func run() throws {
            let set = ManifestDirectory.load(root: options.rootURL, directory: options.manifests)
            guard let manifest = set.manifests.first(where: { $0.name == name }) else {
                let errors = set.errors.filter { $0.model == name }
                if !errors.isEmpty {
                    for e in errors { Terminal.error("\(e)") }
                } else {
                    let names = set.manifests.map(\.name)
                    Terminal.error("no manifest declares a model named \(name) (in \(options.manifests)/; models: \(names.isEmpty ? "none" : names.joined(separator: ", ")))")
                }
                throw ExitCode(1)
            }
            // URL datasets are fetched to a scratch directory, so that nothing beside the store is written.
            let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-split-\(UUID().uuidString)").path
            defer { try? FileManager.default.removeItem(atPath: scratch) }
            let data = DataResolver(root: options.rootURL, digester: FileDigester(store: InMemoryStore()), downloads: Downloads(directory: scratch, limits: options.downloadLimits))
            let rows: SplitRows
            do { rows = try SplitRows.of(manifest, data: data) } catch {
                Terminal.error("\(manifest.origin.file): \(name): \(error)")
                throw ExitCode(1)
            }
            if json { printJSON(rows) } else { printText(rows, manifest) }
        }

        private func part(_ p: SplitRows.Part) -> JSON {
            ["source": .string(p.source), "count": .number(Double(p.rows.count)), "sha256": .string(p.digest),
             "rows": .array(p.rows.map { .number(Double($0)) })]
        }

        private func printJSON(_ rows: SplitRows) {
            Terminal.printJSON([
                "formatVersion": 1,
                "name": .string(name),
                "split": rows.split.map(\.json) ?? .null,
                "dataDigest": .string(rows.dataDigest),
                "testDigest": rows.testDigest.map(JSON.string) ?? .null,
                "train": part(rows.train),
                "test": part(rows.test),
            ])
        }

        private func printText(_ rows: SplitRows, _ m: Manifest) {
            if let s = rows.split {
                let size = switch s.testSize {
                case .fraction(let f): "testFraction \(JSON.format(f))"
                case .count(let n): "testSize \(n)"
                }
                Terminal.print("\(name): \(s.method.rawValue) split of \(Redaction.url(m.dataset.source)) (\(size), seed \(s.seed), \(s.stratify ? "stratified" : "not stratified"))")
            } else {
                Terminal.print("\(name): every row of \(rows.train.source) trains; every row of \(rows.test.source) tests")
            }
            for (label, p) in [("train", rows.train), ("test", rows.test)] {
                Terminal.print("\(label): \(p.rows.count) rows of \(p.source), sha256 \(p.digest)")
                Terminal.print("  " + p.rows.map(String.init).joined(separator: " "))
            }
        }
    }
}
