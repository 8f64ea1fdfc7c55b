import ArgumentParser
import Foundation
import SluiceController
import SluiceCore
import SluiceLearn

extension Sluice.Feedback {
    /// `sluice feedback import NAME FILE.csv`: labels from a warehouse, posted in chunks.
    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Post ground-truth labels from a CSV file (id,row,truth) to POST /v2/models/NAME/feedback.",
            discussion: """
                Every line is checked first (a non-empty id, a row index from 0 or an empty cell for 0, a truth; \
                no (id, row) twice); a file with any bad line is refused with its line and column, and nothing is \
                sent. Then the labels are posted in chunks of --batch-size. The truth is sent as a number when the \
                model's target is numeric (from the store, when there is one; else when the cell reads as a number), \
                as text otherwise. The server is --server URL, else spec.monitor.server, else the model's http deploy target.
                Exit codes: 0 every chunk accepted, 1 an error (a bad file, or a chunk refused: the chunks before it \
                were accepted).
                """)

        @OptionGroup var options: GlobalOptions

        @Argument(help: "The model's name.")
        var name: String

        @Argument(help: ArgumentHelp("The labels: a CSV file with a header row.", valueName: "FILE.csv"))
        var file: String

        @Option(help: ArgumentHelp("The base URL of the `sluice serve` that served the rows (default: the model's http deploy target).", valueName: "URL"))
        var server: String?

        @Option(help: "The column holding the request id.")
        var idColumn = "id"

        @Option(help: "The column holding the row's position in its request (optional; 0 when absent or empty).")
        var rowColumn = "row"

        @Option(help: "The column holding the true label or value.")
        var truthColumn = "truth"

        @Option(help: "Labels per request.")
        var batchSize = 1000

        @Option(help: "How long to wait for each answer (10s, 1m, or seconds).", transform: DurationOption.seconds)
        var timeout: Double = 30

        func validate() throws {
            guard (1...10_000).contains(batchSize) else { throw ValidationError("--batch-size \(batchSize): expected 1 to 10000 labels per request (the most sluice serve takes in one)") }
            for (option, value) in [("--id-column", idColumn), ("--row-column", rowColumn), ("--truth-column", truthColumn)] where value.isEmpty {
                throw ValidationError("\(option): expected a column name")
            }
            guard Set([idColumn, rowColumn, truthColumn]).count == 3 else {
                throw ValidationError("--id-column, --row-column and --truth-column must name three different columns")
            }
        }

        func run() throws {
            guard let bytes = FileManager.default.contents(atPath: file) else {
                Terminal.error("\(file): cannot read the file (no such file, or not readable)")
                throw ExitCode(1)
            }
            let labels: FeedbackFile
            do {
                labels = try FeedbackFile.parse([UInt8](bytes), file: file, columns: .init(id: idColumn, row: rowColumn, truth: truthColumn),
                                                truth: try truthKind())
            } catch {
                Terminal.error("\(error); nothing was sent")
                throw ExitCode(1)
            }
            let server = try MonitorServer.resolve(server, model: name, options: options,
                                                   manifest: MonitorManifest.load(options, model: name, warn: false))
            let client = HTTPClient(timeout: timeout, attempts: 3, backoff: 0.5)
            let url = server.url(model: name, endpoint: "feedback")
            var accepted = 0
            let chunks = labels.chunks(of: batchSize)
            for (k, chunk) in chunks.enumerated() {
                let body = JSON.object(["items": .array(chunk.map(\.json))]).canonicalBytes()
                let lines = "lines \(chunk.first!.line)–\(chunk.last!.line)"
                let done = accepted > 0 ? "; the \(accepted) label(s) before were accepted" : "; nothing was accepted"
                let response: HTTPClient.Response
                do { response = try client.send(server.request(url, method: "POST", body: body), attempts: client.attempts, describe: "POST \(url.absoluteString)") } catch {
                    Terminal.error("\(file) \(lines): \(error)\(done)")
                    throw ExitCode(1)
                }
                guard (200..<300).contains(response.status) else {
                    Terminal.error("\(file) \(lines): POST \(url.absoluteString): HTTP \(response.status): \(response.snippet)\(done)")
                    throw ExitCode(1)
                }
                let answer = try? JSONParser.parse(response.body).value
                accepted += answer?["accepted"]?.intValue ?? chunk.count
                Terminal.progress("sent \(k + 1) of \(chunks.count) request(s)")
            }
            Terminal.clearProgress()
            Terminal.print("\(accepted) label(s) of \(labels.items.count) accepted by \(server.base) for \(name) in \(chunks.count) request(s)")
        }

        /// The kind of the model's target, from the store when it knows the model.
        func truthKind() throws -> FeedbackFile.TruthKind {
            guard let store = try options.openStoreReadOnly(),
                  let version = try store.versions(model: name).last,
                  let artifact = try? ModelArtifact.decode(try store.artifact(version.artifactDigest), expectedDigest: version.artifactDigest)
            else { return .guess }
            return artifact.target.numeric ? .number : .text
        }
    }
}
