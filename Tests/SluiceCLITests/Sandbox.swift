import Foundation
import SluiceCore

/// A scratch repository in a temporary directory, with the shipped manifest and data copied in,
/// where tests run the real `sluice` binary.
final class Sandbox {
    let root: URL
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The built `sluice` executable, beside the test bundle (or `$SLUICE_TEST_BINARY`, to run
    /// the tests against another build, e.g. to see a regression test fail before its fix).
    static let binary: URL = {
        if let path = ProcessInfo.processInfo.environment["SLUICE_TEST_BINARY"], !path.isEmpty { return URL(fileURLWithPath: path) }
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("sluice")
        if FileManager.default.isExecutableFile(atPath: beside.path) { return beside }
        return repository.appendingPathComponent(".build/debug/sluice")
    }()

    /// A sandbox holding a copy of the shipped `manifests/` and `examples/data/`.
    init(shipped: Bool = true) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        if shipped {
            try FileManager.default.copyItem(at: Sandbox.repository.appendingPathComponent("manifests"), to: root.appendingPathComponent("manifests"))
            try FileManager.default.createDirectory(at: root.appendingPathComponent("examples"), withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: Sandbox.repository.appendingPathComponent("examples/data"), to: root.appendingPathComponent("examples/data"))
        } else {
            try FileManager.default.createDirectory(at: root.appendingPathComponent("manifests"), withIntermediateDirectories: true)
        }
    }

    deinit { try? FileManager.default.removeItem(at: root) }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        var output: String { stdout + stderr }
    }

    /// Runs `sluice` with `arguments` in the sandbox.
    @discardableResult
    func run(_ arguments: String..., stdin: String? = nil) throws -> Result {
        try run(arguments, stdin: stdin)
    }

    func run(_ arguments: [String], stdin: String? = nil, environment: [String: String] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = Sandbox.binary
        process.arguments = arguments
        process.currentDirectoryURL = root
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        env.merge(environment) { $1 }
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let input = Pipe()
        process.standardInput = stdin == nil ? FileHandle.nullDevice : input
        try process.run()
        if let stdin {
            input.fileHandleForWriting.write(Data(stdin.utf8))
            try input.fileHandleForWriting.close()
        }
        // Read both pipes concurrently so a full pipe cannot block the child.
        nonisolated(unsafe) var errData = Data()
        let reader = Thread { errData = err.fileHandleForReading.readDataToEndOfFile() }
        reader.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !reader.isFinished { usleep(1000) }
        return Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
    }

    func url(_ relative: String) -> URL { root.appendingPathComponent(relative) }

    func write(_ relative: String, _ text: String) throws {
        let u = url(relative)
        try FileManager.default.createDirectory(at: u.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: u)
    }

    func read(_ relative: String) throws -> String {
        try String(contentsOf: url(relative), encoding: .utf8)
    }

    func bytes(_ relative: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: url(relative)))
    }

    func exists(_ relative: String) -> Bool { FileManager.default.fileExists(atPath: url(relative).path) }

    func remove(_ relative: String) throws { try FileManager.default.removeItem(at: url(relative)) }

    /// Rewrites a manifest file through a JSON transformation.
    func edit(_ relative: String, _ change: (inout JSON) -> Void) throws {
        var json = try JSONParser.parse(try bytes(relative)).value
        change(&json)
        try write(relative, json.canonical(pretty: true))
    }

    /// A manifest like the shipped iris one, with another name, algorithm or deploy path.
    func manifest(name: String, algorithm: String = "decision_tree", params: JSON = [:], gate: JSON = ["accuracy": ["min": 0.8]],
                  deploy: String? = nil, source: String = "examples/data/iris.csv") -> String {
        let doc: JSON = [
            "apiVersion": "sluice.dev/v1", "kind": "Model",
            "metadata": ["name": .string(name)],
            "spec": [
                "task": "classification",
                "dataset": ["source": .string(source), "target": "species", "split": ["testFraction": 0.3, "seed": 7]],
                "algorithm": ["name": .string(algorithm), "params": params],
                "gate": gate,
                "deploy": ["target": "directory", "path": .string(deploy ?? "deploy/\(name)")],
            ],
        ]
        return doc.canonical(pretty: true)
    }

    /// `history NAME --json`, parsed.
    func history(_ name: String) throws -> JSON {
        let r = try run("history", name, "--json")
        return try JSONParser.parse(r.stdout).value
    }

    /// How many versions of `name` the store has trained.
    func trainings(_ name: String) throws -> Int {
        try history(name)["versions"]?.arrayValue?.count ?? 0
    }
}

extension JSON {
    /// Sets a value at a dotted path of object keys, creating objects on the way.
    mutating func set(_ path: String, _ value: JSON) {
        var keys = path.split(separator: ".").map(String.init)
        let key = keys.removeFirst()
        var object = objectValue ?? [:]
        if keys.isEmpty {
            object[key] = value
        } else {
            var child = object[key] ?? .object([:])
            child.set(keys.joined(separator: "."), value)
            object[key] = child
        }
        self = .object(object)
    }
}
