import ArgumentParser
import Foundation
import SluiceController
import SluiceCore
import SluiceLearn
import SluiceManifest

extension Sluice {
    /// `sluice predict NAME`: predictions from the published version.
    struct Predict: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Predict with the published version of a model, for CSV or JSON rows.",
            discussion: """
                Input (a file, or standard input): CSV with a header row, or JSON — one object of feature \
                name → value, or an array of them. Output: CSV (prediction and one probability column per \
                class), or JSON with --json. Every column must be one of the model's features and every \
                feature must have a column: an unknown or missing column is an error (exit 1) naming it, \
                unless --allow-missing is given (then missing features are imputed as in training, \
                unknown columns ignored, and a warning with the counts goes to standard error).
                """)

        @OptionGroup var options: GlobalOptions

        @Argument(help: "The model's name.")
        var name: String

        @Option(name: .shortAndLong, help: "The rows to predict (CSV or JSON); standard input when omitted or '-'.")
        var input: String?

        @Flag(help: "Print predictions as JSON.")
        var json = false

        @Flag(help: "Impute features the input lacks and ignore unknown columns, with a warning, instead of failing.")
        var allowMissing = false

        func run() throws {
            let store = try options.requireStoreReadOnly()
            guard let pub = try store.activePublications().first(where: { $0.model == name }) else {
                Terminal.error("model \(name) is not published; run `sluice apply` (see `sluice status`)")
                throw ExitCode(1)
            }
            let artifact: ModelArtifact
            do { artifact = try ModelArtifact.decode(try store.artifact(pub.artifactDigest), expectedDigest: pub.artifactDigest) } catch {
                Terminal.error("cannot load model \(name): \(error)")
                throw ExitCode(1)
            }
            let bytes: [UInt8]
            if let input, input != "-" {
                guard let data = FileManager.default.contents(atPath: input) else {
                    Terminal.error("cannot read \(input)")
                    throw ExitCode(1)
                }
                bytes = [UInt8](data)
            } else {
                bytes = [UInt8](FileHandle.standardInput.readDataToEndOfFile())
            }
            let source = input.flatMap { $0 == "-" ? nil : $0 } ?? "standard input"
            let rows: [[String: JSON]]
            do { rows = try PredictInput.rows(bytes) } catch {
                Terminal.error("\(source): \(error)")
                throw ExitCode(1)
            }
            let features = artifact.encoder.features.map(\.name)
            let columns = PredictColumns.check(rows: rows, features: features)
            if !columns.isClean {
                if allowMissing {
                    Terminal.warning("\(source): \(columns.warning)")
                } else {
                    Terminal.error("\(source): " + columns.problems(features: features).joined(separator: "; ")
                        + ". Model \(name) takes the columns \(features.joined(separator: ", ")); rename the input's columns, "
                        + "or pass --allow-missing to impute missing features and ignore unknown columns")
                    throw ExitCode(1)
                }
            }
            let predictions: [Prediction]
            do { predictions = try artifact.predict(rows: rows) } catch {
                Terminal.error("\(source): \(error)")
                throw ExitCode(1)
            }
            let classes = artifact.target.classes
            if json {
                Terminal.printJSON(.array(predictions.map { p in
                    ["prediction": p.label, "probabilities": .object(Dictionary(uniqueKeysWithValues: zip(classes, p.probabilities.map(JSON.number))))]
                }))
            } else {
                Terminal.print((["prediction"] + classes.map { "p_\($0)" }).joined(separator: ","))
                for p in predictions {
                    let label = p.label.stringValue ?? p.label.canonical()
                    Terminal.print(([label] + p.probabilities.map { String(format: "%.4f", $0) }).joined(separator: ","))
                }
            }
        }
    }
}
