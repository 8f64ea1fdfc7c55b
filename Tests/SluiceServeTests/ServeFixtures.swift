import Foundation
import SluiceCore
import SluiceLearn
import SluiceSystem

/// Models and repositories for the serving tests: real artifacts trained here, published in the
/// layout a `directory` target writes.
enum ServeFixtures {
    /// The repository root, found from this source file's path.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func frame(_ relative: String) throws -> DataFrame {
        try CSVReader.parse([UInt8](Data(contentsOf: root.appendingPathComponent(relative))))
    }

    static func train(_ algorithm: String, _ params: [String: JSON], target: String, task: LearningTask, frame: DataFrame) throws -> ModelArtifact {
        let algo = AlgorithmCatalog.algorithm(named: algorithm)!
        let spec = TrainingSpec(task: task, target: target, features: nil, algorithm: algo, params: algo.filled(params),
                                split: SplitSpec(testFraction: 0.3, seed: 42, stratify: task == .classification))
        let parts = try Trainer.partition(spec, data: frame, test: nil)
        return try Trainer.train(spec, train: parts.train, test: parts.test).artifact
    }

    /// Iris: four numeric features, string classes.
    static let iris: ModelArtifact = try! train("random_forest", ["nEstimators": 10, "seed": 1], target: "species", task: .classification,
                                                frame: frame("examples/data/iris.csv"))
    /// Iris again, another forest (another digest), for replacing a model.
    static let iris2: ModelArtifact = try! train("random_forest", ["nEstimators": 12, "seed": 2], target: "species", task: .classification,
                                                 frame: frame("examples/data/iris.csv"))

    /// A regression over numeric and text features: y = 3a − 2b + (colour == red ? 2 : 0) + noise.
    static let mixed: ModelArtifact = {
        var rng = SplitMix64(seed: 7)
        var text = "a,b,colour,y\n"
        for _ in 0..<200 {
            let a = Double(rng.below(10_000)) / 1000, b = Double(rng.below(10_000)) / 1000
            let colour = ["red", "green", "blue"][rng.below(3)]
            text += "\(a),\(b),\(colour),\(3 * a - 2 * b + (colour == "red" ? 2 : 0) + Double(rng.below(100)) / 1000)\n"
        }
        return try! train("ridge", ["alpha": 0.1], target: "y", task: .regression, frame: CSVReader.parse(Array(text.utf8)))
    }()

    /// Classification with integer class labels (0, 1, 2), which the protocol returns as INT64.
    static let numericClasses: ModelArtifact = {
        var text = "x,y,label\n"
        for i in 0..<90 {
            let label = i % 3
            text += "\(Double(label) * 10 + Double(i % 7) / 10),\(Double(i % 5)),\(label)\n"
        }
        return try! train("decision_tree", [:], target: "label", task: .classification, frame: CSVReader.parse(Array(text.utf8)))
    }()

    /// A fresh, empty directory.
    static func temporaryDirectory() -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-serve-\(UUID().uuidString)").path
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Publishes `artifact` as a `directory` target does: `model.json`, then `metadata.json`,
    /// each renamed into place. `durable: false` skips the fsyncs (for tests that publish many
    /// times a second while the rest of the suite keeps the disk busy).
    @discardableResult
    static func publish(_ artifact: ModelArtifact, name: String, version: String, in directory: String, durable: Bool = true) throws -> String {
        let bytes = artifact.encoded()
        let digest = SHA256.hex(of: bytes)
        let meta = metadata(name: name, version: version, digest: digest, bytes: bytes.count)
        if durable {
            try AtomicFile.write(bytes, to: "\(directory)/model.json")
            try AtomicFile.write(meta, to: "\(directory)/metadata.json")
        } else {
            for (file, content) in [("model.json", bytes), ("metadata.json", meta)] {
                let temp = "\(directory)/.\(file).tmp"
                try Data(content).write(to: URL(fileURLWithPath: temp))
                guard rename(temp, "\(directory)/\(file)") == 0 else { throw CocoaError(.fileWriteUnknown) }
            }
        }
        return digest
    }

    static func metadata(name: String, version: String, digest: String, bytes: Int) -> [UInt8] {
        JSON.object([
            "model": .string(name), "version": .string(version),
            "artifact": ["file": "model.json", "sha256": .string(digest), "bytes": .number(Double(bytes))],
        ]).canonicalBytes(pretty: true)
    }
}
