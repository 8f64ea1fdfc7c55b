import Foundation

/// A temporary directory laid out like a repository the controller reconciles: `manifests/`
/// with one iris manifest, `data/iris.csv` (the shipped example), and room for a directory
/// deploy target (`deploy/NAME`). Removed when released.
public final class ScratchRepository: Sendable {
    public let root: URL

    /// The package's root directory (where `examples/data/` is).
    public static let package = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// A repository holding `manifests/iris.json` (``manifest(name:source:deploy:)``) and `data/iris.csv`.
    public init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-scratch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("data"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Self.package.appendingPathComponent("examples/data/iris.csv"), to: url("data/iris.csv"))
        try write("manifests/iris.json", Self.manifest(name: "iris"))
    }

    deinit { try? FileManager.default.removeItem(at: root) }

    /// The absolute URL of a path relative to the root.
    public func url(_ relative: String) -> URL { root.appendingPathComponent(relative) }

    /// Writes `text` to a path relative to the root, creating its directories.
    public func write(_ relative: String, _ text: String) throws {
        let u = url(relative)
        try FileManager.default.createDirectory(at: u.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: u)
    }

    /// The bytes of a file, `nil` when there is none.
    public func bytes(_ relative: String) -> [UInt8]? {
        (try? Data(contentsOf: url(relative))).map { [UInt8]($0) }
    }

    public func exists(_ relative: String) -> Bool { FileManager.default.fileExists(atPath: url(relative).path) }

    /// Commits everything in the repository (a git repository from the first commit on).
    /// - Returns: the new commit's id.
    @discardableResult
    public func commit(_ message: String) throws -> String {
        if !exists(".git") { try git("init", "--quiet") }
        try git("add", "--all")
        try git("-c", "user.name=Sluice", "-c", "user.email=test@sluice.invalid", "commit", "--quiet", "--message", message)
        return try git("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// What the `git` command line fails with.
    public struct GitFailure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Runs `git` in the repository.
    /// - Returns: its standard output.
    /// - Throws: ``GitFailure`` with its standard error when it exits non-zero.
    @discardableResult
    public func git(_ arguments: String...) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git"] + arguments
        process.currentDirectoryURL = root
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let error = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw GitFailure(description: "git \(arguments.joined(separator: " ")): \(String(decoding: error, as: UTF8.self))")
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// A decision-tree classification manifest over `source` (species as the target), gated at
    /// accuracy 0.8 and published to the directory `deploy`, by default `deploy/NAME`.
    public static func manifest(name: String, source: String = "data/iris.csv", deploy: String? = nil) -> String {
        """
        {
          "apiVersion": "sluice.dev/v1", "kind": "Model", "metadata": {"name": "\(name)"},
          "spec": {
            "task": "classification",
            "dataset": {"source": "\(source)", "target": "species", "split": {"testFraction": 0.3, "seed": 7}},
            "algorithm": {"name": "decision_tree", "params": {}},
            "gate": {"accuracy": {"min": 0.8}},
            "deploy": {"target": "directory", "path": "\(deploy ?? "deploy/\(name)")"}
          }
        }
        """
    }
}
