import SluiceCore
import SluiceLearn
import SluiceMonitor

/// The JSON Schema (draft 2020-12) of the manifest format, built from the same field lists,
/// parameter catalog and metric list as the decoder. `schema/manifest.schema.json` is this
/// document; a test keeps the two identical.
public enum ManifestSchema {
    public static var document: JSON {
        let pathString: JSON = ["type": "string", "minLength": 1]
        /// A metric's thresholds, bounded by the values the metric can take.
        func thresholds(_ metric: Metric) -> JSON {
            func bounded(_ description: String) -> JSON {
                var o: [String: JSON] = ["type": "number", "description": .string(description)]
                if metric.range.lowerBound.isFinite { o["minimum"] = .number(metric.range.lowerBound) }
                if metric.range.upperBound.isFinite { o["maximum"] = .number(metric.range.upperBound) }
                return .object(o)
            }
            var regression: [String: JSON] = ["type": "number", "minimum": 0, "description": "How much worse than the champion the candidate may be."]
            let width = metric.range.upperBound - metric.range.lowerBound
            if width.isFinite { regression["maximum"] = .number(width) }
            return [
                "type": "object", "additionalProperties": false, "minProperties": 1,
                "properties": [
                    "min": bounded("The metric must be at least this."),
                    "max": bounded("The metric must be at most this."),
                    "maxRegression": .object(regression),
                ],
            ]
        }
        let algorithms: [JSON] = AlgorithmCatalog.all.map { a in
            [
                "if": ["properties": ["name": ["const": .string(a.name)]]],
                "then": ["properties": ["params": [
                    "type": "object", "additionalProperties": false,
                    "properties": .object(Dictionary(uniqueKeysWithValues: a.parameters.map { ($0.name, $0.schema) })),
                ]]],
            ]
        }
        let sha: JSON = ["type": ["string", "null"], "pattern": .string(ManifestFields.sha256Pattern)]
        let dataset: JSON = [
            "type": "object", "additionalProperties": false, "required": ["source", "target"],
            "properties": [
                "source": .object(pathString.objectValue!.merging(["description": "CSV path relative to the repository root, an http(s):// or s3://BUCKET/KEY URL, or a database read with query: postgres://… (a libpq URI) or sqlite:PATH."]) { $1 }),
                "query": ["type": "string", "minLength": 1,
                          "description": "The SQL query that reads a database source (postgres://… or sqlite:PATH); it must have an ORDER BY so that the data's digest is stable."],
                "target": ["type": "string", "minLength": 1],
                "features": ["type": ["array", "null"], "items": ["type": "string", "minLength": 1], "minItems": 1, "uniqueItems": true],
                "split": [
                    "type": "object", "additionalProperties": false,
                    "properties": [
                        "method": ["enum": .strings(SplitMethod.allCases.map(\.rawValue)), "default": "sluice",
                                   "description": "sluice: Sluice's own split. sklearn: exactly the rows scikit-learn's train_test_split(test_size=…, random_state=seed, shuffle=True) holds out."],
                        "testFraction": ["type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1, "default": 0.2,
                                         "description": "Share of the rows that test: ceil(testFraction × rows). Default 0.2 (sluice), 0.25 (sklearn)."],
                        "testSize": ["type": "integer", "minimum": 1, "description": "Number of rows that test, instead of testFraction."],
                        "seed": ["type": "integer", "minimum": 0, "default": 0],
                        "stratify": ["type": "boolean", "default": true, "description": "Keep each class's share in both parts. Default true (sluice), false (sklearn)."],
                    ],
                    "not": ["required": ["testFraction", "testSize"]],
                    "if": ["required": ["method"], "properties": ["method": ["const": "sklearn"]]],
                    "then": ["properties": ["seed": ["maximum": 4_294_967_295], "testFraction": ["default": 0.25], "stratify": ["default": false]]],
                ],
                "test": .object(pathString.objectValue!.merging(["description": "A fixed evaluation CSV used instead of split."]) { $1 }),
                "sha256": sha,
                "testSha256": sha,
            ],
            "not": ["required": ["split", "test"]],
        ]
        let formats: JSON = [
            "type": "array", "items": ["enum": .strings(PublishFormat.allCases.map(\.rawValue))], "uniqueItems": true, "contains": ["const": "sluice"],
            "default": .strings(PublishFormat.standard.map(\.rawValue)),
            "description": "The files each publication writes: model.json (sluice, always) and model.onnx (onnx: not for http targets, knn or naive_bayes).",
        ]
        let deploy: JSON = [
            "type": "object", "required": ["target"],
            "oneOf": [
                ["additionalProperties": false, "required": ["target", "path"],
                 "properties": ["target": ["const": "directory"], "path": pathString, "formats": formats]],
                ["additionalProperties": false, "required": ["target", "url"],
                 "properties": ["target": ["const": "http"], "url": ["type": "string", "pattern": "^https?://"],
                                "tokenEnv": ["type": "string", "pattern": .string(ManifestFields.envPattern)],
                                "formats": ["type": "array", "items": ["const": "sluice"], "minItems": 1, "maxItems": 1]]],
                ["additionalProperties": false, "required": ["target", "url"],
                 "properties": ["target": ["const": "s3"], "url": ["type": "string", "pattern": "^s3://[^/]+/.+",
                                                                   "description": "s3://BUCKET/PREFIX: model.json and metadata.json are written under it."],
                                "formats": formats]],
            ],
        ]
        let duration: JSON = ["type": "string", "pattern": "^\\s*[0-9.]+(ms|s|m|h|d)?\\s*$",
                              "description": "A duration: 250ms, 30s, 5m, 24h, 7d, or plain seconds."]
        func share(_ d: Double, _ description: String) -> JSON {
            ["type": "number", "minimum": 0, "maximum": 1, "default": .number(d), "description": .string(description)]
        }
        func level(_ d: Double, _ description: String) -> JSON {
            ["type": "number", "exclusiveMinimum": 0, "default": .number(d), "description": .string(description)]
        }
        func rate(_ d: Double, _ description: String) -> JSON {
            ["type": "number", "exclusiveMinimum": 0, "maximum": 1, "default": .number(d), "description": .string(description)]
        }
        func object(_ properties: [String: JSON]) -> JSON { ["type": "object", "additionalProperties": false, "properties": .object(properties)] }
        let defaults = MonitorPolicy()
        let monitor: JSON = [
            "type": "object", "additionalProperties": false,
            "description": "Watch the model in service: drift, data quality and live performance (docs/monitoring.md). Changing it retrains nothing.",
            "properties": [
                "server": ["type": "string", "pattern": "^https?://",
                           "description": "Base URL of the sluice serve that serves the model; required for a directory target, the target's server for an http one."],
                "interval": .object(duration.objectValue!.merging(["default": "5m"]) { $1 }),
                "window": .object(duration.objectValue!.merging(["default": "24h"]) { $1 }),
                "persistFor": .object(duration.objectValue!.merging(["default": "1h"]) { $1 }),
                "minSamples": ["type": "integer", "minimum": 1, "default": .number(Double(defaults.minSamples))],
                "drift": object([
                    "method": ["enum": .strings(MonitorPolicy.DriftMethod.allCases.map(\.rawValue)), "default": "psi"],
                    "warn": level(defaults.driftWarn, "A feature at or above this is a warning (at most breach; at most 1 for ks)."),
                    "breach": level(defaults.driftBreach, "A feature at or above this is in breach (at most 1 for ks)."),
                    "share": share(defaults.driftShare, "The share of features in breach that makes the model Drifted."),
                ]),
                "prediction": object(["breach": level(defaults.predictionBreach, "Prediction PSI at or above this makes the model Drifted.")]),
                "quality": object([
                    "missingIncrease": rate(defaults.missingIncrease, "A rise of a feature's missing rate (absolute) that makes the model Drifted."),
                    "unknownShare": rate(defaults.unknownShare, "A share of unseen categories that makes the model Drifted."),
                ]),
                "performance": object([
                    "minLabels": ["type": "integer", "minimum": 1, "default": .number(Double(defaults.minLabels))],
                    "maxDegradation": ["type": "number", "minimum": 0, "default": .number(defaults.maxDegradation), "description": "How far live performance may fall below the test value."],
                ]),
                "onBreach": ["enum": ["alert", "retrain"], "default": "alert",
                             "description": "alert: report breaches. retrain: also retrain on the labelled feedback, gated by the unchanged gate on held-out recent rows (docs/monitoring.md)."],
                "retrain": object([
                    "cooldown": .object(duration.objectValue!.merging(["default": "24h"]) { $1 }),
                    "maxPerWeek": ["type": "integer", "minimum": 1, "default": 3,
                                   "description": "Automatic retrains of one spec within 7 days; then the model is stalled until its manifest changes."],
                    "holdout": ["type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1, "default": 0.3,
                                "description": "Share of the fresh labelled rows (the newest) held out to gate the candidate and the champion on."],
                ]),
            ],
        ]
        let spec: JSON = [
            "type": "object", "additionalProperties": false, "required": ["dataset", "algorithm", "deploy"],
            "properties": [
                "task": ["enum": .strings(LearningTask.allCases.map(\.rawValue))],
                "dataset": dataset,
                "algorithm": [
                    "type": "object", "additionalProperties": false, "required": ["name"],
                    "properties": ["name": ["enum": .strings(AlgorithmCatalog.names)], "params": ["type": "object"]],
                    "allOf": .array(algorithms),
                ],
                "gate": [
                    "type": "object", "additionalProperties": false,
                    "properties": .object(Dictionary(uniqueKeysWithValues: Metric.all.map { ($0.name, thresholds($0)) })),
                ],
                "deploy": deploy,
                "suspend": ["type": "boolean", "default": false],
                "retired": ["type": "boolean", "default": false],
                "monitor": monitor,
            ],
            "if": ["required": ["monitor"], "properties": ["deploy": ["properties": ["target": ["const": "directory"]]]]],
            "then": ["properties": ["monitor": ["required": ["server"]]]],
        ]
        let model: JSON = [
            "type": "object", "additionalProperties": false, "required": .strings(ManifestFields.root),
            "properties": [
                "apiVersion": ["const": .string(Manifest.apiVersion)],
                "kind": ["const": .string(Manifest.kind)],
                "metadata": [
                    "type": "object", "additionalProperties": false, "required": ["name"],
                    "properties": [
                        "name": ["type": "string", "pattern": .string(ManifestFields.namePattern)],
                        "labels": ["type": "object", "additionalProperties": ["type": "string"]],
                    ],
                ],
                "spec": spec,
            ],
        ]
        return [
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": "https://sluice.dev/schemas/manifest-v1.json",
            "title": "Sluice model manifest (sluice.dev/v1)",
            "$defs": ["model": model],
            "oneOf": [["$ref": "#/$defs/model"], ["type": "array", "minItems": 1, "items": ["$ref": "#/$defs/model"]]],
        ]
    }
}
