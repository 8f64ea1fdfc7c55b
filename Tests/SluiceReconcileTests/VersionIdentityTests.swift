import Foundation
import Testing
import SluiceCore
import SluiceManifest
@testable import SluiceReconcile

/// Version identities of manifests written before a change of the format must not move: a moved
/// identity retrains every model.
@Suite struct VersionIdentityTests {
    /// The iris manifest shipped before split methods existed, and the digest of iris.csv.
    static let irisBeforeSplitMethods = """
        {
          "apiVersion": "sluice.dev/v1", "kind": "Model",
          "metadata": { "name": "iris", "labels": { "team": "demo" } },
          "spec": {
            "task": "classification",
            "dataset": {
              "source": "examples/data/iris.csv", "target": "species",
              "features": ["sepal_length", "sepal_width", "petal_length", "petal_width"],
              "split": { "testFraction": 0.3, "seed": 42, "stratify": true }, "sha256": null
            },
            "algorithm": { "name": "random_forest", "params": { "nEstimators": 100, "seed": 42 } },
            "gate": { "accuracy": { "min": 0.90, "maxRegression": 0.02 } },
            "deploy": { "target": "directory", "path": "deploy/iris" }
          }
        }
        """
    static let irisDigest = "91eb642c3adbc7bad8e99c930c11fa3a5cc8a07262c7a753b4e6ecf405f2e05e"

    @Test func sluicesSplitKeepsTheIdentityItHadBeforeSplitMethods() throws {
        let m = try #require(ManifestDecoder.decode(Array(Self.irisBeforeSplitMethods.utf8), file: "iris.json").manifests.first)
        // 1c9b1666527e: the id of this manifest and data under engine 6 (engine 5 printed 9d6b1e21bf6f, engine 4 2134fb31efdb,
        // engine 3 e79bb387348b): the engine version is part of the identity, and each bump moves it on purpose.
        #expect(VersionIdentity.short(VersionIdentity.id(m, dataDigest: Self.irisDigest, testDigest: nil)) == "1c9b1666527e")
        let explicit = Self.irisBeforeSplitMethods.replacingOccurrences(of: "\"split\": {", with: "\"split\": { \"method\": \"sluice\",")
        let same = try #require(ManifestDecoder.decode(Array(explicit.utf8), file: "iris.json").manifests.first)
        #expect(VersionIdentity.id(same, dataDigest: Self.irisDigest, testDigest: nil) == VersionIdentity.id(m, dataDigest: Self.irisDigest, testDigest: nil))
    }

    /// The data digest, not the URL's signature, says what was trained: a rotated presigned URL
    /// over the same bytes is the same version (it retrained, and `plan` called it an engine change).
    @Test func aDatasetURLsSecretsAreNotPartOfTheIdentity() throws {
        func id(_ source: String) throws -> String {
            let text = Self.irisBeforeSplitMethods.replacingOccurrences(of: "\"examples/data/iris.csv\"", with: "\"\(source)\"")
            let m = try #require(ManifestDecoder.decode(Array(text.utf8), file: "iris.json").manifests.first)
            return VersionIdentity.id(m, dataDigest: Self.irisDigest, testDigest: nil)
        }
        let signed = try id("https://data.example/iris.csv?X-Amz-Signature=aaaa&X-Amz-Date=1")
        #expect(try id("https://data.example/iris.csv?X-Amz-Signature=bbbb&X-Amz-Date=1") == signed)
        #expect(try id("https://alice:one@data.example/iris.csv") == id("https://alice:two@data.example/iris.csv"))
        #expect(try id("https://other.example/iris.csv?X-Amz-Signature=aaaa&X-Amz-Date=1") != signed, "another place is another input")
    }

    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The shipped manifest and data print 141fdf9d1857 in the README's transcript: a version without
    /// a feedback snapshot keeps the id it had before snapshots existed.
    @Test func theShippedIrisKeepsItsIdWithoutAFeedbackSnapshot() throws {
        let bytes = [UInt8](try Data(contentsOf: Self.repository.appendingPathComponent("manifests/iris.json")))
        let m = try #require(ManifestDecoder.decode(bytes, file: "manifests/iris.json").manifests.first)
        let data = SHA256.hex(of: [UInt8](try Data(contentsOf: Self.repository.appendingPathComponent(m.dataset.source))))
        let id = VersionIdentity.id(m, dataDigest: data, testDigest: nil)
        #expect(VersionIdentity.short(id) == "141fdf9d1857")
        #expect(VersionIdentity.id(m, dataDigest: data, testDigest: nil, feedback: nil) == id)
        #expect(VersionIdentity.document(m, dataDigest: data, testDigest: nil, feedback: nil).objectValue?["feedback"] == nil)
        #expect(DesiredModel(manifest: m, data: .resolved(dataDigest: data, testDigest: nil)).versionID == id)
    }

    @Test func aFeedbackSnapshotIsAnotherVersionAndTwoSnapshotsAreTwo() throws {
        let m = try #require(ManifestDecoder.decode(Array(Self.irisBeforeSplitMethods.utf8), file: "iris.json").manifests.first)
        let plain = VersionIdentity.id(m, dataDigest: Self.irisDigest, testDigest: nil)
        let a = VersionIdentity.id(m, dataDigest: Self.irisDigest, testDigest: nil, feedback: String(repeating: "a", count: 64))
        let b = VersionIdentity.id(m, dataDigest: Self.irisDigest, testDigest: nil, feedback: String(repeating: "b", count: 64))
        #expect(a != plain && b != plain && a != b)
        #expect(a == VersionIdentity.id(m, dataDigest: Self.irisDigest, testDigest: nil, feedback: String(repeating: "a", count: 64)), "same snapshot, same id")
        #expect(VersionIdentity.document(m, dataDigest: Self.irisDigest, testDigest: nil, feedback: "x").objectValue?["feedback"] == "x")
        let desired = DesiredModel(manifest: m, data: .resolved(dataDigest: Self.irisDigest, testDigest: nil),
                                   feedback: FeedbackInput(digest: String(repeating: "a", count: 64), trainRows: 1, holdoutRows: 1, trigger: "t"))
        #expect(desired.versionID == a && desired.baseVersionID == plain)
        #expect(DesiredModel(manifest: m, data: .failed("gone"), feedback: desired.feedback).baseVersionID == nil)
    }

    /// Asking for automatic retrains changes the manifest, not what is trained: the same version.
    @Test func monitorWithRetrainOnBreachKeepsTheVersion() throws {
        let deploy = #""deploy": { "target": "directory", "path": "deploy/iris" }"#
        let text = Self.irisBeforeSplitMethods.replacingOccurrences(of: deploy, with: deploy + """
            , "monitor": { "server": "http://127.0.0.1:8080", "onBreach": "retrain", "retrain": { "holdout": 0.4, "maxPerWeek": 1 } }
            """)
        let decoded = ManifestDecoder.decode(Array(text.utf8), file: "iris.json")
        let m = try #require(decoded.manifests.first, "\(decoded.errors)")
        #expect(m.monitor?.onBreach == .retrain)
        #expect(VersionIdentity.short(VersionIdentity.id(m, dataDigest: Self.irisDigest, testDigest: nil)) == "1c9b1666527e")
    }
}
