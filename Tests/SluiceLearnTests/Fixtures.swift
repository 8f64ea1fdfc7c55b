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

    static func spec(_ algorithm: String, _ params: [String: JSON] = [:], target: String = "species",
                     split: SplitSpec = SplitSpec(testFraction: 0.3, seed: 42, stratify: true)) -> TrainingSpec {
        let algo = AlgorithmCatalog.algorithm(named: algorithm)!
        return TrainingSpec(task: .classification, target: target, features: nil, algorithm: algo, params: algo.filled(params), split: split)
    }

    static func train(_ spec: TrainingSpec, _ frame: DataFrame) throws -> TrainingOutcome {
        let parts = try Trainer.partition(spec, data: frame, test: nil)
        return try Trainer.train(spec, train: parts.train, test: parts.test)
    }
}
