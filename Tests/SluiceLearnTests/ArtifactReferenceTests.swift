import Testing
import SluiceCore
import SluiceMonitor
@testable import SluiceLearn

/// Reading the reference profile of an artifact: format 2 (none) still loads and predicts, format 3's
/// profile must fit the model, and the digest covers it.
@Suite struct ArtifactReferenceTests {
    static func trained() throws -> TrainingOutcome {
        try Fixtures.train(Fixtures.spec("decision_tree"), Fixtures.csv("examples/data/iris.csv"))
    }

    /// The artifact's JSON with `edit` applied to its `"reference"` object, as canonical bytes.
    static func editingReference(_ outcome: TrainingOutcome, _ edit: (inout [String: JSON]) -> Void) throws -> [UInt8] {
        var root = try #require(try JSONParser.parse(outcome.bytes).value.objectValue)
        var reference = try #require(root["reference"]?.objectValue)
        edit(&reference)
        root["reference"] = .object(reference)
        return JSON.object(root).canonicalBytes()
    }

    static func refusal(_ bytes: [UInt8]) -> String? {
        do { _ = try ModelArtifact.decode(bytes, expectedDigest: nil); return nil } catch { return "\(error)" }
    }

    @Test func aFormatTwoArtifactWithoutAProfileStillLoadsAndPredicts() throws {
        let outcome = try Self.trained()
        var old = outcome.artifact
        old.reference = nil
        let bytes = old.encoded()
        let root = try JSONParser.parse(bytes).value
        #expect(root["formatVersion"]?.intValue == 2 && root["reference"] == nil)
        let decoded = try ModelArtifact.decode(bytes, expectedDigest: SHA256.hex(of: bytes))
        #expect(decoded.reference == nil && decoded == old)
        let row: [String: JSON] = ["sepal_length": 6.7, "sepal_width": 3.0, "petal_length": 5.2, "petal_width": 2.3]
        #expect(try decoded.predict(rows: [row]) == outcome.artifact.predict(rows: [row]))
        #expect(try decoded.predict(rows: [row]).first?.label == "virginica")
    }

    @Test func aProfileWhoseFeaturesDoNotMatchIsRefusedNamingReference() throws {
        let bytes = try Self.editingReference(Self.trained()) { r in
            var features = r["features"]!.arrayValue!
            var first = features[0].objectValue!
            first["name"] = "petal_colour"
            features[0] = .object(first)
            r["features"] = .array(features)
        }
        let message = Self.refusal(bytes)
        #expect(message?.contains("artifact field reference") == true && message?.contains("features do not match") == true, "\(message ?? "loaded")")
    }

    @Test func aProfileWhoseCountsDoNotAddUpIsRefused() throws {
        let outcome = try Self.trained()
        func tamper(_ counts: [JSON]) -> [JSON] { [.number(counts[0].doubleValue! + 1)] + counts.dropFirst() }
        let feature = try Self.editingReference(outcome) { r in
            var features = r["features"]!.arrayValue!
            var first = features[0].objectValue!, histogram = first["histogram"]!.objectValue!
            histogram["counts"] = .array(tamper(histogram["counts"]!.arrayValue!))
            first["histogram"] = .object(histogram)
            features[0] = .object(first)
            r["features"] = .array(features)
        }
        let message = Self.refusal(feature)
        #expect(message?.contains("artifact field reference") == true && message?.contains("\"sepal_length\"'s counts do not add up to the 105 training rows") == true,
                "\(message ?? "loaded")")
        let prediction = try Self.editingReference(outcome) { r in
            var h = r["prediction"]!.objectValue!
            h["counts"] = .array(tamper(h["counts"]!.arrayValue!))
            r["prediction"] = .object(h)
        }
        #expect(Self.refusal(prediction)?.contains("the prediction's counts do not add up to the 45 test rows") == true, "\(Self.refusal(prediction) ?? "loaded")")
        let overflow = try Self.editingReference(outcome) { r in
            // 1,102 bins of 8.9e15 (the largest integers JSON reads) sum past Int.max: refused, not trapped.
            var features = r["features"]!.arrayValue!
            var first = features[0].objectValue!
            first["histogram"] = ["bins": ["kind": "numeric", "edges": .numbers((0..<1100).map(Double.init))],
                                  "counts": .integers(Array(repeating: 8_900_000_000_000_000, count: 1102))]
            features[0] = .object(first)
            r["features"] = .array(features)
        }
        #expect(Self.refusal(overflow)?.contains("do not add up") == true, "\(Self.refusal(overflow) ?? "loaded")")
        let negative = try Self.editingReference(outcome) { r in
            var h = r["prediction"]!.objectValue!
            h["counts"] = .integers([46, -1, 0, 0, 0])
            r["prediction"] = .object(h)
        }
        #expect(Self.refusal(negative)?.contains("must not be negative") == true, "\(Self.refusal(negative) ?? "loaded")")
    }

    @Test func aProfileWithBinsOfTheWrongKindOrClassesIsRefused() throws {
        let outcome = try Self.trained()
        let kind = try Self.editingReference(outcome) { r in
            var features = r["features"]!.arrayValue!
            var first = features[0].objectValue!
            first["histogram"] = ["bins": ["kind": "categorical", "categories": ["5.1"]], "counts": [105, 0, 0]]
            features[0] = .object(first)
            r["features"] = .array(features)
        }
        #expect(Self.refusal(kind)?.contains("feature \"sepal_length\" is numeric, but its reference bins are not") == true, "\(Self.refusal(kind) ?? "loaded")")
        let classes = try Self.editingReference(outcome) { r in
            r["prediction"] = ["bins": ["kind": "categorical", "categories": ["setosa", "virginica", "versicolor"]], "counts": [15, 15, 15, 0, 0]]
        }
        #expect(Self.refusal(classes)?.contains("do not match the model's classes") == true, "\(Self.refusal(classes) ?? "loaded")")
    }

    @Test func theDigestCoversTheProfile() throws {
        let outcome = try Self.trained()
        // Move one training value between two bins: the counts still add up, only the digest tells.
        let bytes = try Self.editingReference(outcome) { r in
            var features = r["features"]!.arrayValue!
            var first = features[0].objectValue!, histogram = first["histogram"]!.objectValue!
            var counts = histogram["counts"]!.arrayValue!.map { $0.intValue! }
            counts[0] -= 1
            counts[1] += 1
            histogram["counts"] = .integers(counts)
            first["histogram"] = .object(histogram)
            features[0] = .object(first)
            r["features"] = .array(features)
        }
        #expect(try ModelArtifact.decode(bytes, expectedDigest: nil).reference != outcome.artifact.reference)
        do {
            _ = try ModelArtifact.decode(bytes, expectedDigest: outcome.digest)
            Issue.record("a changed profile passed the digest check")
        } catch {
            #expect("\(error)".contains("artifact digest mismatch"))
        }
    }
}
