import Foundation
import Testing
import SluiceCore
import SluiceLearn
@testable import SluiceManifest

/// Keeps `schema/manifest.schema.json` in step with the decoder.
@Suite struct SchemaTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func shippedSchema() throws -> JSON {
        try JSONParser.parse([UInt8](Data(contentsOf: repository.appendingPathComponent("schema/manifest.schema.json")))).value
    }

    /// Every manifest file shipped in the repository.
    static func shippedManifests() throws -> [URL] {
        let e = FileManager.default.enumerator(at: repository, includingPropertiesForKeys: nil, options: [.skipsHiddenFiles])!
        return e.compactMap { $0 as? URL }.filter { url in
            url.pathExtension == "json" && url.pathComponents.contains("manifests") && !url.path.contains("/.build")
        }
    }

    @Test func shippedSchemaIsTheGeneratedOne() throws {
        #expect(try Self.shippedSchema() == ManifestSchema.document,
                "schema/manifest.schema.json is stale: run `swift run sluice schema > schema/manifest.schema.json`")
    }

    @Test func everyShippedManifestDecodesAndValidatesAgainstTheSchema() throws {
        let validator = SchemaValidator(root: try Self.shippedSchema())
        let files = try Self.shippedManifests()
        #expect(!files.isEmpty)
        for file in files {
            let bytes = [UInt8](try Data(contentsOf: file))
            let decoded = ManifestDecoder.decode(bytes, file: file.lastPathComponent)
            #expect(decoded.errors.isEmpty, "\(file.path): \(decoded.errors)")
            let problems = validator.validate(try JSONParser.parse(bytes).value)
            #expect(problems.isEmpty, "\(file.path): \(problems)")
        }
    }

    /// A manifest using every field the decoder accepts, with non-default values.
    static let everyField: JSON = [
        "apiVersion": "sluice.dev/v1", "kind": "Model",
        "metadata": ["name": "full", "labels": ["team": "a"]],
        "spec": [
            "task": "classification",
            "dataset": ["source": "d.csv", "target": "y", "features": ["a", "b"], "split": ["testFraction": 0.25, "seed": 3, "stratify": false],
                        "sha256": .string(String(repeating: "a", count: 64))],
            "algorithm": ["name": "random_forest", "params": ["nEstimators": 5, "criterion": "entropy", "maxDepth": 3, "minSamplesSplit": 4,
                                                              "minSamplesLeaf": 2, "maxFeatures": 0.5, "bootstrap": false, "seed": 9]],
            "gate": ["accuracy": ["min": 0.5, "max": 1, "maxRegression": 0.1], "log_loss": ["max": 2]],
            "deploy": ["target": "directory", "path": "out"],
            "suspend": true, "retired": false,
            "monitor": ["server": "http://127.0.0.1:8080", "interval": "30s", "window": "1h", "minSamples": 50, "persistFor": "0s",
                        "drift": ["method": "ks", "warn": 0.05, "breach": 0.3, "share": 0.25], "prediction": ["breach": 0.3],
                        "quality": ["missingIncrease": 0.2, "unknownShare": 0.05], "performance": ["minLabels": 20, "maxDegradation": 0.1],
                        "onBreach": "retrain", "retrain": ["cooldown": "12h", "maxPerWeek": 2, "holdout": 0.2]],
        ],
    ]

    @Test func everyFieldTheDecoderAcceptsIsInTheSchema() throws {
        let validator = SchemaValidator(root: try Self.shippedSchema())
        let decoded = ManifestDecoder.decode(Self.everyField.canonicalBytes(), file: "full.json")
        #expect(decoded.errors.isEmpty, "\(decoded.errors)")
        #expect(validator.validate(Self.everyField).isEmpty, "\(validator.validate(Self.everyField))")
        // The http target and the fixed test file.
        var http = Self.everyField
        http = try JSONParser.parse(http.canonical().replacingOccurrences(of: "\"deploy\":{\"path\":\"out\",\"target\":\"directory\"}",
            with: "\"deploy\":{\"target\":\"http\",\"url\":\"http://127.0.0.1:8080/v2/repository/models/full\",\"tokenEnv\":\"TOKEN\"}")
            .replacingOccurrences(of: "\"split\":{\"seed\":3,\"stratify\":false,\"testFraction\":0.25}", with: "\"test\":\"t.csv\",\"testSha256\":null")).value
        #expect(ManifestDecoder.decode(http.canonicalBytes(), file: "http.json").errors.isEmpty)
        #expect(validator.validate(http).isEmpty, "\(validator.validate(http))")
        // Every parameter of every algorithm is described, with its default.
        let schema = try Self.shippedSchema().canonical()
        for a in AlgorithmCatalog.all {
            for p in a.parameters { #expect(schema.contains("\"\(p.name)\":{"), "\(a.name).\(p.name) missing from the schema") }
        }
        let monitorFields = ManifestFields.monitor + ManifestFields.monitorDrift + ManifestFields.monitorQuality
            + ManifestFields.monitorPerformance + ManifestFields.monitorRetrain
        for field in ManifestFields.spec + ManifestFields.dataset + ManifestFields.split + ManifestFields.metadata + monitorFields {
            #expect(schema.contains("\"\(field)\":"), "\(field) missing from the schema")
        }
    }

    @Test func schemaAndDecoderBothRejectUnknownFields() throws {
        let validator = SchemaValidator(root: try Self.shippedSchema())
        var bad = Self.everyField.objectValue!
        var spec = bad["spec"]!.objectValue!
        spec["colour"] = "blue"
        bad["spec"] = .object(spec)
        #expect(!validator.validate(.object(bad)).isEmpty)
        #expect(!ManifestDecoder.decode(JSON.object(bad).canonicalBytes(), file: "bad.json").errors.isEmpty)
    }
}
