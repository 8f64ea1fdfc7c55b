import ArgumentParser
import Foundation
import SluiceController
import SluiceLearn
import SluiceONNX
import SluiceReconcile
import SluiceSystem

extension Sluice {
    /// `sluice export NAME --format onnx`: a stored version written as an ONNX model (docs/onnx.md).
    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a stored version of a model as an ONNX model, for onnxruntime, Triton or KServe.",
            discussion: """
                The ONNX model takes the same raw columns as `sluice predict` (one [N, 1] input per feature: \
                double for numeric features, NaN for missing; string for categorical ones) and gives the same \
                outputs in double precision: `label` and `probabilities` for a classifier, `variable` for a \
                regressor. The same version always gives the same bytes. kNN and naive Bayes models cannot be \
                exported. With --layout triton, -o names a directory that receives NAME/config.pbtxt and \
                NAME/1/model.onnx. Exit codes: 0 written, 1 no store, no such model or version, a model that \
                cannot be exported, or a write error. See docs/onnx.md.
                """)

        /// The formats `--format` takes.
        enum Format: String, ExpressibleByArgument, CaseIterable { case onnx }
        /// The layouts `--layout` takes.
        enum Layout: String, ExpressibleByArgument, CaseIterable { case file, triton }

        @OptionGroup var options: GlobalOptions

        @Argument(help: "The model's name.")
        var name: String

        @Option(help: "The version to export: a full id or a unique prefix of at least 6 characters (default: the one in service).")
        var version: String?

        @Option(help: "The format to write: onnx.")
        var format: Format

        @Option(name: .shortAndLong, help: "The file to write (default NAME.onnx; '-' for standard output), or with --layout triton the directory (default .).")
        var output: String?

        @Option(help: "file: one ONNX file; triton: the model-repository layout Triton and KServe load (NAME/config.pbtxt, NAME/1/model.onnx).")
        var layout: Layout = .file

        @Option(name: .customLong("opset-ml"), help: "The ai.onnx.ml operator set: 5 (TreeEnsemble, double throughout), or 3 for onnxruntime older than 1.20 (TreeEnsembleRegressor, whose tree sums are float32).")
        var opsetML = 5

        func validate() throws {
            guard ONNXExporter.supportedMLOpsets.contains(opsetML) else {
                throw ValidationError("--opset-ml \(opsetML) is not supported; use \(ONNXExporter.supportedMLOpsets.map(String.init).joined(separator: " or "))")
            }
            if layout == .triton && output == "-" {
                throw ValidationError("--layout triton writes a directory; give -o DIR, not '-'")
            }
        }

        func run() throws {
            let store = try options.requireStoreReadOnly()
            let record = try Self.record(store, model: name, version: version)
            let short = VersionIdentity.short(record.id)
            let artifact: ModelArtifact
            do { artifact = try ModelArtifact.decode(try store.artifact(record.artifactDigest), expectedDigest: record.artifactDigest) } catch {
                Terminal.error("cannot load \(name) version \(short): \(error)")
                throw ExitCode(1)
            }
            let bytes: [UInt8]
            do { bytes = try ONNXExporter(.init(mlOpset: opsetML)).export(artifact, name: name) } catch {
                Terminal.error("\(error.message) (version \(short))")
                throw ExitCode(1)
            }
            switch layout {
            case .file: try writeFile(bytes, short: short, algorithm: artifact.algorithm)
            case .triton: try writeTriton(bytes, config: TritonConfig.text(artifact, name: name), short: short, algorithm: artifact.algorithm)
            }
        }

        private func writeFile(_ bytes: [UInt8], short: String, algorithm: String) throws {
            let path = output ?? "\(name).onnx"
            if path == "-" {
                guard isatty(STDOUT_FILENO) == 0 else {
                    Terminal.error("refusing to write a binary ONNX model to a terminal; redirect standard output or give -o FILE")
                    throw ExitCode(1)
                }
                FileHandle.standardOutput.write(Data(bytes))
                return
            }
            try write(bytes, to: path)
            Terminal.print("wrote \(name) version \(short) (\(algorithm)) as ONNX to \(path) (\(bytes.count) bytes)")
        }

        private func writeTriton(_ bytes: [UInt8], config: String, short: String, algorithm: String) throws {
            let root = ((output ?? ".") as NSString).appendingPathComponent(name)
            try write(bytes, to: (root as NSString).appendingPathComponent("1/model.onnx"))
            try write(Array(config.utf8), to: (root as NSString).appendingPathComponent("config.pbtxt"))
            Terminal.print("wrote \(name) version \(short) (\(algorithm)) as a Triton model directory \(root) (config.pbtxt, 1/model.onnx)")
        }

        private func write(_ bytes: [UInt8], to path: String) throws {
            do { try AtomicFile.write(bytes, to: path) } catch {
                Terminal.error("cannot write \(path): \(error); check that its directory is writable")
                throw ExitCode(1)
            }
        }

        /// The version of `model` named by `version` (a full id or a unique prefix of at least 6
        /// characters), else the one in service.
        /// - Throws: exit code 1 with a message naming the model and what to do.
        static func record(_ store: any Store, model: String, version: String?) throws -> VersionRecord {
            let versions = try store.versions(model: model)
            guard !versions.isEmpty else {
                Terminal.error("the store has no model named \(model) (see `sluice status`)")
                throw ExitCode(1)
            }
            guard let version else {
                guard let pub = try store.activePublications().first(where: { $0.model == model }),
                      let inService = versions.first(where: { $0.id == pub.version }) else {
                    Terminal.error("model \(model) has no version in service; name one with --version (see `sluice history \(model)`)")
                    throw ExitCode(1)
                }
                return inService
            }
            let matches = versions.filter { $0.id.hasPrefix(version.lowercased()) }
            guard version.count >= 6, matches.count == 1, let only = matches.first else {
                let known = versions.map { VersionIdentity.short($0.id) }.joined(separator: ", ")
                let why = version.count < 6 ? "give at least 6 characters of the id" : matches.isEmpty ? "no such version" : "\(matches.count) versions start with it"
                Terminal.error("--version \(version): \(why); versions of \(model): \(known) (see `sluice history \(model)`)")
                throw ExitCode(1)
            }
            return only
        }
    }
}
