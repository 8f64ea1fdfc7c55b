import Foundation
import Testing
import SluiceCore
import SluiceLearn
import SluiceMonitor
@testable import SluiceManifest

/// `spec.monitor`: decoded strictly, defaults filled in, outside the version identity.
@Suite struct MonitorSpecTests {
    /// A manifest with a directory target and `monitor` set to `monitor` (a JSON object's text), or none.
    static func manifest(monitor: String?, deploy: String = #"{ "target": "directory", "path": "deploy/iris" }"#,
                         gate: String = #"{ "accuracy": { "min": 0.8 } }"#) -> String {
        """
        {
          "apiVersion": "sluice.dev/v1",
          "kind": "Model",
          "metadata": { "name": "iris" },
          "spec": {
            "dataset": { "source": "data/iris.csv", "target": "species" },
            "algorithm": { "name": "decision_tree" },
            "gate": \(gate),
            "deploy": \(deploy)\(monitor.map { ",\n    \"monitor\": \($0)" } ?? "")
          }
        }
        """
    }

    func decode(_ text: String) -> (manifests: [Manifest], errors: [ManifestError]) {
        ManifestDecoder.decode(Array(text.utf8), file: "manifests/iris.json")
    }

    /// The one error of a manifest with `monitor`, as text.
    func problem(_ monitor: String, deploy: String = #"{ "target": "directory", "path": "deploy/iris" }"#) -> String {
        let (manifests, errors) = decode(Self.manifest(monitor: monitor, deploy: deploy))
        #expect(manifests.isEmpty, "\(monitor) decoded")
        #expect(errors.count == 1, "\(errors)")
        return errors.map(\.description).joined(separator: "\n")
    }

    @Test func defaultsAreFilledInAndTheGateNamesTheWatchedMetric() throws {
        let (manifests, errors) = decode(Self.manifest(monitor: #"{ "server": "http://127.0.0.1:8080/" }"#))
        #expect(errors.isEmpty, "\(errors)")
        let spec = try #require(manifests.first?.monitor)
        #expect(spec.interval == 300 && spec.window == 86_400 && spec.persistFor == 3_600)
        #expect(spec.onBreach == .alert && spec.retrain == MonitorSpec.Retrain())
        var expected = MonitorPolicy()
        expected.metric = "accuracy"
        expected.floor = 0.8
        #expect(spec.policy == expected)
        #expect(spec.serverURL(deploy: manifests[0].deploy) == "http://127.0.0.1:8080")
    }

    @Test func everyFieldIsRead() throws {
        let text = Self.manifest(monitor: """
            {"server": "https://models.example:8443", "interval": "30s", "window": "7d", "minSamples": 50, "persistFor": "0s",
             "drift": {"method": "ks", "warn": 0.05, "breach": 0.3, "share": 0.25}, "prediction": {"breach": 0.4},
             "quality": {"missingIncrease": 0.2, "unknownShare": 0.05}, "performance": {"minLabels": 20, "maxDegradation": 0.1},
             "onBreach": "alert", "retrain": {"cooldown": "12h", "maxPerWeek": 2}}
            """, gate: #"{ "precision_macro": { "min": 0.6 }, "log_loss": { "max": 1 } }"#)
        let (manifests, errors) = decode(text)
        #expect(errors.isEmpty, "\(errors)")
        let spec = try #require(manifests.first?.monitor)
        #expect(spec.interval == 30 && spec.window == 7 * 86_400 && spec.persistFor == 0)
        #expect(spec.policy.minSamples == 50 && spec.policy.driftMethod == .ks)
        #expect(spec.policy.driftWarn == 0.05 && spec.policy.driftBreach == 0.3 && spec.policy.driftShare == 0.25)
        #expect(spec.policy.predictionBreach == 0.4 && spec.policy.missingIncrease == 0.2 && spec.policy.unknownShare == 0.05)
        #expect(spec.policy.minLabels == 20 && spec.policy.maxDegradation == 0.1)
        #expect(spec.retrain.cooldown == 43_200 && spec.retrain.maxPerWeek == 2)
        // log_loss cannot be measured on live rows (it needs each row's probabilities): the next rule is watched.
        #expect(spec.policy.metric == "precision_macro" && spec.policy.floor == 0.6)
        // An error's floor is the gate's max.
        let regression = decode(Self.manifest(monitor: #"{"server": "http://h:1"}"#, gate: #"{ "rmse": { "max": 0.7 } }"#))
        #expect(regression.manifests.first?.monitor?.policy.metric == "rmse" && regression.manifests.first?.monitor?.policy.floor == 0.7, "\(regression.errors)")
    }

    @Test func anHTTPTargetIsReadAtItsOwnServer() throws {
        let deploy = #"{ "target": "http", "url": "http://10.0.0.5:8080/v2/repository/models/iris", "tokenEnv": "TOKEN" }"#
        let (manifests, errors) = decode(Self.manifest(monitor: "{}", deploy: deploy))
        #expect(errors.isEmpty, "\(errors)")
        let m = try #require(manifests.first)
        #expect(m.monitor?.serverURL(deploy: m.deploy) == "http://10.0.0.5:8080")
        #expect(MonitorSpec().serverURL(deploy: .http(url: "https://h:1/prefix", tokenEnv: nil)) == "https://h:1")
    }

    @Test func aDirectoryTargetNeedsAServer() {
        let e = problem("{}")
        #expect(e.contains("manifests/iris.json:"), "\(e)")
        #expect(e.contains("spec.monitor.server: spec.monitor.server is needed for a directory target: the URL of the sluice serve that serves it"), "\(e)")
    }

    @Test func theSchemaAgreesOnServerAndOnBreach() throws {
        let validator = SchemaValidator(root: try SchemaTests.shippedSchema())
        func problems(_ text: String) throws -> [String] { validator.validate(try JSONParser.parse(Array(text.utf8)).value).map { "\($0)" } }
        #expect(try problems(Self.manifest(monitor: #"{"server": "http://h:1", "persistFor": "0s", "drift": {"method": "ks"}}"#)).isEmpty)
        #expect(try !problems(Self.manifest(monitor: "{}")).isEmpty, "a directory target needs a server")
        let http = #"{ "target": "http", "url": "http://h:1/v2/repository/models/iris" }"#
        #expect(try problems(Self.manifest(monitor: "{}", deploy: http)).isEmpty)
        #expect(try problems(Self.manifest(monitor: #"{"server": "http://h:1", "onBreach": "retrain", "retrain": {"holdout": 0.25}}"#)).isEmpty)
        #expect(try !problems(Self.manifest(monitor: #"{"server": "http://h:1", "onBreach": "retrain", "retrain": {"holdout": 1}}"#)).isEmpty)
        #expect(try !problems(Self.manifest(monitor: #"{"server": "http://h:1", "retrain": {"holdout": 0}}"#)).isEmpty)
        #expect(try !problems(Self.manifest(monitor: #"{"server": "http://h:1", "onBreach": "page"}"#)).isEmpty)
        #expect(try !problems(Self.manifest(monitor: #"{"server": "http://h:1", "interval": "5 minutes"}"#)).isEmpty)
    }

    @Test(arguments: [
        (#"{"server": "http://h:1", "persistfor": "1h"}"#, "spec.monitor.persistfor", #"did you mean "persistFor"?"#),
        (#"{"server": "http://h:1", "drift": {"treshold": 1}}"#, "spec.monitor.drift.treshold", "allowed: method, warn, breach, share"),
        (#"{"server": "ftp://h"}"#, "spec.monitor.server", #""ftp://h" is not an http:// or https:// URL"#),
        (#"{"server": "http://h:1", "interval": "5 minutes"}"#, "spec.monitor.interval", #""5 minutes" is not a duration"#),
        (#"{"server": "http://h:1", "window": 3600}"#, "spec.monitor.window", "expected a duration string"),
        (#"{"server": "http://h:1", "interval": "0s"}"#, "spec.monitor.interval", "expected a duration greater than zero"),
        (#"{"server": "http://h:1", "minSamples": 0}"#, "spec.monitor.minSamples", "0 is not allowed; expected a whole number ≥ 1"),
        (#"{"server": "http://h:1", "performance": {"minLabels": 2.5}}"#, "spec.monitor.performance.minLabels", "expected a whole number ≥ 1"),
        (#"{"server": "http://h:1", "drift": {"warn": 0.3, "breach": 0.2}}"#, "spec.monitor.drift.warn", "0.3 is above drift.breach 0.2"),
        (#"{"server": "http://h:1", "drift": {"share": 50}}"#, "spec.monitor.drift.share", "did you mean 0.5? Shares are fractions"),
        (#"{"server": "http://h:1", "drift": {"method": "ks", "breach": 2}}"#, "spec.monitor.drift.breach", "expected a number from 0 to 1"),
        (#"{"server": "http://h:1", "drift": {"method": "kss"}}"#, "spec.monitor.drift.method", #"did you mean "ks"?"#),
        (#"{"server": "http://h:1", "quality": {"unknownShare": -0.1}}"#, "spec.monitor.quality.unknownShare", "out of range"),
        (#"{"server": "http://h:1", "performance": {"maxDegradation": -1}}"#, "spec.monitor.performance.maxDegradation", "expected a number ≥ 0"),
        (#"{"server": "http://h:1", "onBreach": "alrt"}"#, "spec.monitor.onBreach", #"did you mean "alert"?"#),
        (#"{"server": "http://h:1", "onBreach": "retrian"}"#, "spec.monitor.onBreach", #"did you mean "retrain"?; expected "alert" or "retrain""#),
        (#"{"server": "http://h:1", "retrain": {"holdout": 0}}"#, "spec.monitor.retrain.holdout",
         "0 would hold out no fresh row, so a retrained version could not be gated; expected a share above 0 and below 1, such as 0.3 (the default)"),
        (#"{"server": "http://h:1", "retrain": {"holdout": 1}}"#, "spec.monitor.retrain.holdout",
         "1 would hold out every fresh row and train on none of them; expected a share above 0 and below 1, such as 0.3 (the default)"),
        (#"{"server": "http://h:1", "retrain": {"holdout": 1.5}}"#, "spec.monitor.retrain.holdout", "1.5 is out of range; expected a share above 0 and below 1"),
        (#"{"server": "http://h:1", "retrain": {"holdout": 30}}"#, "spec.monitor.retrain.holdout", "did you mean 0.3? Shares are fractions"),
        (#"{"server": "http://h:1", "retrain": {"holdout": -0.1}}"#, "spec.monitor.retrain.holdout", "-0.1 is out of range; expected a share above 0 and below 1"),
        (#"{"server": "http://h:1", "retrain": {"holdout": "x"}}"#, "spec.monitor.retrain.holdout", #"expected a number, got a string "x""#),
        (#"{"server": "http://h:1", "retrain": {"holdOut": 0.2}}"#, "spec.monitor.retrain.holdOut", #"did you mean "holdout"?"#),
        (#"{"server": "http://h:1", "retrain": {"maxPerWeek": 0}}"#, "spec.monitor.retrain.maxPerWeek", "expected a whole number ≥ 1"),
        (#"{"server": "http://h:1", "drift": {"breach": 0}}"#, "spec.monitor.drift.breach", "a threshold of 0 is reached by every window"),
        (#"{"server": "http://h:1", "quality": {"missingIncrease": 0}}"#, "spec.monitor.quality.missingIncrease", "(the default is 0.1)"),
        (#"{"server": "http://h:1", "prediction": {"breach": 0}}"#, "spec.monitor.prediction.breach", "expected a number above 0"),
        (#"[1]"#, "spec.monitor", "expected an object, got"),
    ])
    func aBadFieldIsNamedWithItsValue(monitor: String, path: String, message: String) {
        let e = problem(monitor)
        #expect(e.contains("\(path): "), "\(e)")
        #expect(e.contains(message), "\(e)")
    }

    @Test func retrainOnBreachIsReadWithItsHoldout() throws {
        let (manifests, errors) = decode(Self.manifest(monitor: """
            {"server": "http://h:1", "onBreach": "retrain", "retrain": {"cooldown": "0s", "maxPerWeek": 1, "holdout": 0.25}}
            """))
        #expect(errors.isEmpty, "\(errors)")
        let spec = try #require(manifests.first?.monitor)
        #expect(spec.onBreach == .retrain)
        #expect(spec.retrain.cooldown == 0 && spec.retrain.maxPerWeek == 1 && spec.retrain.holdout == 0.25)
        let defaults = try #require(decode(Self.manifest(monitor: #"{"server": "http://h:1", "onBreach": "retrain"}"#)).manifests.first?.monitor)
        #expect(defaults.onBreach == .retrain && defaults.retrain == MonitorSpec.Retrain() && defaults.retrain.holdout == 0.3)
        #expect(try #require(manifests.first).canonicalJSON["monitor"]?["retrain"]?["holdout"]?.doubleValue == 0.25)
    }

    @Test func durationsTakeTheFormsPeopleWrite() throws {
        for (text, seconds) in [("30s", 30.0), ("5m", 300), ("24h", 86_400), ("7d", 604_800), ("0s", 0)] {
            let (manifests, errors) = decode(Self.manifest(monitor: #"{"server": "http://h:1", "persistFor": "\#(text)"}"#))
            #expect(errors.isEmpty, "\(text): \(errors)")
            #expect(manifests.first?.monitor?.persistFor == seconds, "\(text)")
        }
    }

    @Test func monitorIsNotPartOfTheVersionIdentityAndLeavesOtherDigestsAlone() throws {
        let plain = try #require(decode(Self.manifest(monitor: nil)).manifests.first)
        let watched = try #require(decode(Self.manifest(monitor: #"{"server": "http://h:1"}"#)).manifests.first)
        let stricter = try #require(decode(Self.manifest(monitor: #"{"server": "http://h:1", "persistFor": "0s"}"#)).manifests.first)
        #expect(plain.trainingInputs == watched.trainingInputs, "changing monitor must retrain nothing")
        #expect(watched.trainingInputs == stricter.trainingInputs)
        let retraining = try #require(decode(Self.manifest(monitor: #"{"server": "http://h:1", "onBreach": "retrain", "retrain": {"holdout": 0.5}}"#)).manifests.first)
        #expect(retraining.trainingInputs == plain.trainingInputs, "asking for retrains retrains nothing by itself")
        #expect(retraining.digest != watched.digest, "the retrain guards count per manifest digest: a new holdout is a new spec")
        #expect(plain.gateDigest == watched.gateDigest)
        #expect(plain.canonicalJSON["monitor"] == nil, "a manifest without monitor keeps its canonical form")
        // The digest this manifest had before spec.monitor existed.
        #expect(plain.digest == Self.digestBeforeMonitor, "\(plain.digest)")
        #expect(watched.digest != plain.digest && watched.digest != stricter.digest, "lineage still tells the manifests apart")
    }

    static let digestBeforeMonitor = "7cc9b8bb04c71e5863c0982ab8831058ebda075c941c9f1b90230b0c2db231bc"
}
