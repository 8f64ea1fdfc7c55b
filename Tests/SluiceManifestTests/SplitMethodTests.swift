import Testing
import SluiceCore
import SluiceLearn
@testable import SluiceManifest

/// `spec.dataset.split.method`: decoding, defaults, errors, and the canonical form that decides
/// version identities.
@Suite struct SplitMethodTests {
    func decode(split: String) -> (manifests: [Manifest], errors: [ManifestError]) {
        let text = ManifestDecoderTests.valid.replacingOccurrences(
            of: "\"target\": \"species\" }", with: "\"target\": \"species\", \"split\": \(split) }")
        return ManifestDecoder.decode(Array(text.utf8), file: "manifests/m.json")
    }

    func split(_ text: String) throws -> SplitSpec {
        let (manifests, errors) = decode(split: text)
        #expect(errors.isEmpty, "\(errors)")
        return try #require(manifests.first).dataset.split
    }

    @Test func sklearnTakesScikitLearnsDefaults() throws {
        #expect(try split(#"{"method": "sklearn"}"#) == SplitSpec(method: .sklearn, testSize: .fraction(0.25), seed: 0, stratify: false))
        #expect(try split(#"{"method": "sklearn", "testFraction": 0.3, "seed": 42}"#)
            == SplitSpec(method: .sklearn, testSize: .fraction(0.3), seed: 42, stratify: false))
        #expect(try split(#"{"method": "sklearn", "testSize": 45, "seed": 4294967295, "stratify": true}"#)
            == SplitSpec(method: .sklearn, testSize: .count(45), seed: 4_294_967_295, stratify: true))
        #expect(try split(#"{"method": "sluice"}"#) == SplitSpec(testFraction: 0.2, seed: 0, stratify: true))
        #expect(try split(#"{"testSize": 10}"#) == SplitSpec(method: .sluice, testSize: .count(10), seed: 0, stratify: true))
    }

    @Test(arguments: [
        (#"{"method": "scikit"}"#, "spec.dataset.split.method", #"unknown split method "scikit"; expected "sluice" (Sluice's own, the default) or "sklearn""#),
        (#"{"method": "sklern"}"#, "spec.dataset.split.method", #"did you mean "sklearn"?"#),
        (#"{"method": 1}"#, "spec.dataset.split.method", "expected a string"),
        (#"{"testSize": 10, "testFraction": 0.3}"#, "spec.dataset.split.testSize", "cannot be combined with testFraction"),
        (#"{"testSize": 0}"#, "spec.dataset.split.testSize", "0 is not allowed; expected a whole number of test rows ≥ 1"),
        (#"{"testSize": 4.5}"#, "spec.dataset.split.testSize", "4.5 is not allowed"),
        (#"{"method": "sklearn", "seed": 4294967296}"#, "spec.dataset.split.seed", "4294967296 is too large for method \"sklearn\"; numpy's RandomState (scikit-learn's random_state) takes seeds from 0 to 4294967295"),
        (#"{"testSise": 10}"#, "spec.dataset.split.testSise", #"did you mean "testSize"?"#),
    ])
    func badSplitsNameTheFieldAndTheValue(_ split: String, _ path: String, _ message: String) throws {
        let (manifests, errors) = decode(split: split)
        #expect(manifests.isEmpty)
        let e = try #require(errors.first)
        #expect(e.path == path)
        #expect(e.message.contains(message), "\(e.message)")
        #expect(e.description.hasPrefix("manifests/m.json:"))
    }

    /// Existing manifests keep their version identities: Sluice's split is written as before
    /// there were methods, and writing the default method changes nothing.
    @Test func sluicesSplitIsCanonicalAsBefore() throws {
        let absent = try #require(decode(split: #"{"testFraction": 0.3, "seed": 42, "stratify": true}"#).manifests.first)
        let explicit = try #require(decode(split: #"{"method": "sluice", "testFraction": 0.3, "seed": 42}"#).manifests.first)
        #expect(absent.trainingInputs["dataset"]?["split"]?.canonical() == #"{"seed":42,"stratify":true,"testFraction":0.3}"#)
        #expect(absent.trainingInputs == explicit.trainingInputs)
        #expect(absent.digest == explicit.digest)
    }

    @Test func theSchemaAcceptsAndRejectsWhatTheDecoderDoes() throws {
        let validator = SchemaValidator(root: try SchemaTests.shippedSchema())
        func problems(_ split: JSON) -> (schema: Bool, decoder: Bool) {
            var root = SchemaTests.everyField.objectValue!, spec = root["spec"]!.objectValue!, dataset = spec["dataset"]!.objectValue!
            dataset["split"] = split
            spec["dataset"] = .object(dataset)
            root["spec"] = .object(spec)
            let m = JSON.object(root)
            let decoded = ManifestDecoder.decode(m.canonicalBytes(), file: "m.json")
            return (validator.validate(m).isEmpty, decoded.errors.isEmpty)
        }
        let valid: [JSON] = [["method": "sklearn", "testFraction": 0.3, "seed": 42], ["method": "sklearn", "testSize": 45, "seed": 4_294_967_295],
                             ["method": "sluice", "testSize": 1, "stratify": false], ["seed": 123_456_789_012]]
        for split in valid { #expect(problems(split) == (true, true), "\(split.canonical())") }
        let invalid: [JSON] = [["method": "scikit"], ["method": "sklearn", "seed": 4_294_967_296], ["testSize": 10, "testFraction": 0.3],
                               ["testSize": 0], ["testSize": 2.5]]
        for split in invalid { #expect(problems(split) == (false, false), "\(split.canonical())") }
    }

    @Test func otherSplitsAreDistinctVersions() throws {
        let base = try #require(decode(split: #"{"testFraction": 0.3, "seed": 42}"#).manifests.first)
        let sklearn = try #require(decode(split: #"{"method": "sklearn", "testFraction": 0.3, "seed": 42, "stratify": true}"#).manifests.first)
        let count = try #require(decode(split: #"{"testSize": 45, "seed": 42}"#).manifests.first)
        #expect(sklearn.trainingInputs["dataset"]?["split"]?.canonical() == #"{"method":"sklearn","seed":42,"stratify":true,"testFraction":0.3}"#)
        #expect(count.trainingInputs["dataset"]?["split"]?.canonical() == #"{"seed":42,"stratify":true,"testSize":45}"#)
        #expect(Set([base.digest, sklearn.digest, count.digest]).count == 3)
    }
}
