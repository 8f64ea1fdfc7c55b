import Testing
import SluiceCore
@testable import SluiceManifest

/// Issue 17's manifest fields: dataset sources by kind (s3, databases with a query), the s3
/// deploy target and `spec.deploy.formats`.
@Suite struct InteropManifestTests {
    static func manifest(dataset: String = #"{"source": "data/iris.csv", "target": "species"}"#,
                         algorithm: String = "random_forest",
                         deploy: String = #"{"target": "directory", "path": "deploy/iris"}"#) -> String {
        """
        {"apiVersion": "sluice.dev/v1", "kind": "Model", "metadata": {"name": "iris"},
         "spec": {"dataset": \(dataset), "algorithm": {"name": "\(algorithm)"}, "deploy": \(deploy)}}
        """
    }

    func decode(_ text: String) -> (manifests: [Manifest], errors: [ManifestError]) {
        ManifestDecoder.decode(Array(text.utf8), file: "manifests/m.json")
    }

    @Test(arguments: [
        ("s3://bucket/data/iris.csv", DatasetSourceKind.s3), ("https://h/x.csv", .http), ("data/iris.csv", .file),
        ("postgres://reader@db:5432/sales", .postgres), ("postgresql://db/sales", .postgres), ("sqlite:data/rows.db", .sqlite),
    ])
    func sourceKinds(source: String, kind: DatasetSourceKind) {
        #expect(DatasetSourceKind(source) == kind)
        #expect(DatasetSpec.isLocalFile(source) == (kind == .file))
    }

    @Test func databaseSourcesNeedAQueryAndKeepItInTheirTrainingInputs() throws {
        let (ms, errors) = decode(Self.manifest(dataset: #"{"source": "sqlite:data/rows.db", "query": "SELECT * FROM rows ORDER BY id", "target": "species"}"#))
        #expect(errors.isEmpty, "\(errors)")
        let m = try #require(ms.first)
        #expect(m.dataset.query == "SELECT * FROM rows ORDER BY id")
        #expect(m.trainingInputs["dataset"]?["query"]?.stringValue == "SELECT * FROM rows ORDER BY id")
        let (plain, _) = decode(Self.manifest())
        #expect(plain.first?.trainingInputs["dataset"]?["query"] == nil, "a file dataset's inputs (and version ids) are as before")
    }

    @Test(arguments: [
        (#"{"source": "postgres://db/sales", "target": "y"}"#, "spec.dataset.query", "required field \"query\" is missing"),
        (#"{"source": "data/iris.csv", "query": "SELECT 1 ORDER BY 1", "target": "y"}"#, "spec.dataset.query", "is not a database"),
        (#"{"source": "s3://bucket", "target": "y"}"#, "spec.dataset.source", "expected s3://BUCKET/KEY"),
        (#"{"source": "s3:///key.csv", "target": "y"}"#, "spec.dataset.source", "expected s3://BUCKET/KEY"),
        (#"{"source": "sqlite:", "query": "SELECT 1 ORDER BY 1", "target": "y"}"#, "spec.dataset.source", "names no database file"),
        (#"{"source": "sqlite:../outside.db", "query": "SELECT 1 ORDER BY 1", "target": "y"}"#, "spec.dataset.source", "escapes the repository root"),
        (#"{"source": "data/iris.csv", "test": "sqlite:t.db", "target": "y"}"#, "spec.dataset.test", "a fixed test set must be a file or a URL"),
    ])
    func badDatasetSourcesNameTheFieldAndTheValue(dataset: String, field: String, problem: String) {
        let (ms, errors) = decode(Self.manifest(dataset: dataset))
        #expect(ms.isEmpty)
        #expect(errors.contains { $0.path == field && $0.message.contains(problem) }, "\(errors)")
    }

    @Test func anS3TargetDecodesAndKeepsItsCanonicalForm() throws {
        let (ms, errors) = decode(Self.manifest(deploy: #"{"target": "s3", "url": "s3://models/prod/iris"}"#))
        #expect(errors.isEmpty, "\(errors)")
        let m = try #require(ms.first)
        #expect(m.deploy == .s3(url: "s3://models/prod/iris"))
        #expect(DeploySpec(json: m.deploy.json) == m.deploy)
    }

    @Test(arguments: ["s3://models", "s3://models/", "s3:///iris", "https://models/iris"])
    func anS3TargetNeedsABucketAndAPrefix(url: String) {
        let (_, errors) = decode(Self.manifest(deploy: #"{"target": "s3", "url": "\#(url)"}"#))
        #expect(errors.contains { $0.path == "spec.deploy.url" && $0.message.contains("s3://BUCKET/PREFIX") }, "\(errors)")
    }

    @Test func formatsDefaultToSluiceAndLeaveTheDigestAsItWas() throws {
        let plain = try #require(decode(Self.manifest()).manifests.first)
        #expect(plain.formats == [.sluice])
        #expect(plain.canonicalJSON["formats"] == nil)
        let explicit = try #require(decode(Self.manifest(deploy: #"{"target": "directory", "path": "deploy/iris", "formats": ["sluice"]}"#)).manifests.first)
        #expect(explicit.digest == plain.digest)
        let onnx = try #require(decode(Self.manifest(deploy: #"{"target": "directory", "path": "deploy/iris", "formats": ["onnx", "sluice"]}"#)).manifests.first)
        #expect(onnx.formats == [.sluice, .onnx])
        #expect(onnx.digest != plain.digest)
        #expect(onnx.trainingInputs == plain.trainingInputs, "formats retrain nothing")
    }

    @Test(arguments: [
        (#"{"target": "directory", "path": "d", "formats": ["onnx"]}"#, "random_forest", "spec.deploy.formats", "does not list \"sluice\""),
        (#"{"target": "directory", "path": "d", "formats": ["sluice", "pmml"]}"#, "random_forest", "spec.deploy.formats[1]", "is not a format"),
        (#"{"target": "directory", "path": "d", "formats": ["sluice", "sluice"]}"#, "random_forest", "spec.deploy.formats[1]", "listed twice"),
        (#"{"target": "directory", "path": "d", "formats": "onnx"}"#, "random_forest", "spec.deploy.formats", "expected an array"),
        (#"{"target": "http", "url": "http://h/v2/repository/models/iris", "formats": ["sluice", "onnx"]}"#, "random_forest", "spec.deploy.formats", "an http target receives model.json only"),
        (#"{"target": "directory", "path": "d", "formats": ["sluice", "onnx"]}"#, "knn", "spec.deploy.formats", "knn models cannot be exported as ONNX"),
        (#"{"target": "s3", "url": "s3://b/p", "formats": ["sluice", "onnx"]}"#, "naive_bayes", "spec.deploy.formats", "naive_bayes models cannot be exported"),
    ])
    func badFormatsNameTheFieldAndTheValue(deploy: String, algorithm: String, field: String, problem: String) {
        badFormats(deploy: deploy, algorithm: algorithm, field: field, problem: problem)
    }

    @Test func aListedFeatureNamedLikeAnONNXOutputIsRefusedWithONNX() {
        let (ms, errors) = decode(Self.manifest(dataset: #"{"source": "data/x.csv", "target": "y", "features": ["a", "label"]}"#,
                                                deploy: #"{"target": "directory", "path": "d", "formats": ["sluice", "onnx"]}"#))
        #expect(ms.isEmpty)
        #expect(errors.contains { $0.path == "spec.deploy.formats" && $0.message.contains("the feature \"label\" has the name of an output") }, "\(errors)")
        let (plain, _) = decode(Self.manifest(dataset: #"{"source": "data/x.csv", "target": "y", "features": ["a", "label"]}"#))
        #expect(plain.count == 1, "without onnx the name is fine")
    }

    func badFormats(deploy: String, algorithm: String, field: String, problem: String) {
        let (ms, errors) = decode(Self.manifest(algorithm: algorithm, deploy: deploy))
        #expect(ms.isEmpty)
        #expect(errors.contains { $0.path == field && $0.message.contains(problem) }, "\(errors)")
    }
}
