import Foundation
import SluiceCore
@testable import SluiceLearn

/// Files and frames shared by the Learn tests.
enum Fixtures {
    /// The repository root, found from this source file's path.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func csv(_ relative: String) throws -> DataFrame {
        let bytes = try [UInt8](Data(contentsOf: root.appendingPathComponent(relative)))
        return try CSVReader.parse(bytes)
    }

    static func csv(text: String) throws -> DataFrame {
        try CSVReader.parse(Array(text.utf8))
    }

    static func spec(_ algorithm: String, _ params: [String: JSON] = [:], target: String = "species", task: LearningTask = .classification,
                     split: SplitSpec = SplitSpec(testFraction: 0.3, seed: 42, stratify: true)) -> TrainingSpec {
        let algo = AlgorithmCatalog.algorithm(named: algorithm)!
        return TrainingSpec(task: task, target: target, features: nil, algorithm: algo, params: algo.filled(params), split: split)
    }

    /// A deterministic regression set: y = 3·a − 2·b + 0.5·c² + noise, with a text column.
    static func regressionFrame(rows: Int = 300) throws -> DataFrame {
        var rng = SplitMix64(seed: 7)
        var text = "a,b,c,colour,y\n"
        for _ in 0..<rows {
            let a = Double(rng.below(10_000)) / 1000, b = Double(rng.below(10_000)) / 1000, c = Double(rng.below(4_000)) / 1000
            let colour = ["red", "green", "blue"][rng.below(3)]
            let noise = Double(rng.below(1000)) / 1000 - 0.5
            let y = 3 * a - 2 * b + 0.5 * c * c + (colour == "red" ? 2 : 0) + noise
            text += "\(a),\(b),\(c),\(colour),\(y)\n"
        }
        return try csv(text: text)
    }

    static func train(_ spec: TrainingSpec, _ frame: DataFrame) throws -> TrainingOutcome {
        let parts = try Trainer.partition(spec, data: frame, test: nil)
        return try Trainer.train(spec, train: parts.train, test: parts.test)
    }
}
