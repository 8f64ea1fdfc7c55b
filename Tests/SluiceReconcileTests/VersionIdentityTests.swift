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
        // 2134fb31efdb: the id of this manifest and data under engine 4. Engine 3 printed e79bb387348b; the
        // engine version is part of the identity, and engine 4 (the reference profile) moved it on purpose.
        #expect(VersionIdentity.short(VersionIdentity.id(m, dataDigest: Self.irisDigest, testDigest: nil)) == "2134fb31efdb")
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
}
