import Testing
import SluiceCore
@testable import SluiceLearn

/// Crafted artifacts: the decoder refuses them with the field at fault, and never traps.
@Suite struct ArtifactDecoderTests {
    /// A k-nearest-neighbours artifact written by hand.
    static func knn(features: [JSON], rows: Double, width: Int, points: [Double], labels: [Int], classes: [String] = ["a", "b"]) -> [UInt8] {
        JSON.object([
            "format": "sluice.model", "formatVersion": 2, "task": "classification",
            "algorithm": ["name": "knn", "params": [:]], "features": .array(features), "encoding": "one_hot",
            "target": ["name": "y", "type": "string", "classes": .strings(classes)],
            "model": ["kind": "neighbors", "k": 1, "weights": "uniform", "rows": .number(rows), "features": .number(Double(width)),
                      "points": .numbers(points), "labels": .integers(labels)],
        ]).canonicalBytes()
    }

    static func numeric(_ n: Int) -> [JSON] { (0..<n).map { ["name": .string("f\($0)"), "type": "numeric", "fill": 0] } }

    static func refusal(_ bytes: [UInt8]) -> String? {
        do { _ = try ModelArtifact.decode(bytes, expectedDigest: nil); return nil } catch { return "\(error)" }
    }

    @Test func aWellFormedHandWrittenArtifactLoads() throws {
        let a = try ModelArtifact.decode(Self.knn(features: Self.numeric(2), rows: 2, width: 2, points: [0, 1, 0, 1], labels: [0, 1]), expectedDigest: nil)
        #expect(try a.predict(rows: [["f0": 0, "f1": 0]]).first?.label == "a")
    }

    @Test func rowsTimesFeaturesThatOverflowIsRefused() {
        // D4: 8.9e15 rows × 1,100 features overflowed Int in `points.count == rows * d` and trapped.
        let message = Self.refusal(Self.knn(features: Self.numeric(1100), rows: 8.9e15, width: 1100, points: [], labels: []))
        #expect(message?.contains("artifact field model") == true, "\(message ?? "loaded")")
    }

    @Test func duplicateCategoriesAreRefused() {
        // D15: they loaded, then trapped in Dictionary(uniqueKeysWithValues:) when the model was evaluated.
        let features: [JSON] = [["name": "c", "type": "categorical", "categories": ["x", "x"], "fill": 0]]
        let message = Self.refusal(Self.knn(features: features, rows: 1, width: 2, points: [1, 0], labels: [0]))
        #expect(message?.contains("features[0]") == true && message?.contains("category \"x\" is listed twice") == true, "\(message ?? "loaded")")
    }

    @Test func duplicateClassesAndFeatureNamesAreRefused() {
        let classes = Self.refusal(Self.knn(features: Self.numeric(1), rows: 1, width: 1, points: [1], labels: [0], classes: ["a", "a"]))
        #expect(classes?.contains("class \"a\" is listed twice") == true, "\(classes ?? "loaded")")
        let twice: [JSON] = [["name": "f", "type": "numeric", "fill": 0], ["name": "f", "type": "numeric", "fill": 0]]
        let names = Self.refusal(Self.knn(features: twice, rows: 1, width: 2, points: [1, 1], labels: [0]))
        #expect(names?.contains("feature \"f\" is listed twice") == true, "\(names ?? "loaded")")
    }

    @Test func neighboursWhoseDistancesOverflowAreRefused() {
        let message = Self.refusal(Self.knn(features: Self.numeric(2), rows: 2, width: 2, points: [1e308, -1e308, 1e308, 1e308], labels: [0, 1]))
        #expect(message?.contains("overflows") == true, "\(message ?? "loaded")")
    }
}
