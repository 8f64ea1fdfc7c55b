import Foundation
import HTTPTypes
import Testing
import SluiceCore
import SluiceLearn
@testable import SluiceServe

/// Health, server and model metadata, and readiness: every route but inference and the
/// repository API, in process.
@Suite struct ProtocolRouteTests {
    @Test func serverMetadataNamesTheBinaryExtension() async throws {
        let s = try Served()
        defer { s.remove() }
        let r = try await s.client.get("/v2")
        #expect(r.status == 200)
        #expect(r.json["name"] == "sluice")
        // The one version constant `sluice --version` prints too (it said 0.1.0 against 0.5.0 here).
        #expect(r.json["version"] == .string(sluiceVersion))
        // Only extensions whose routes exist: Triton's model_repository routes (index, load, unload) do not.
        #expect(r.json["extensions"] == ["binary_tensor_data"])
        #expect(r.headers[.contentType] == "application/json")
    }

    @Test func healthIsLiveAlwaysAndReadyAfterTheFirstScan() async throws {
        let s = try Served(scan: false)
        defer { s.remove() }
        #expect(try await s.client.get("/v2/health/live").status == 200)
        #expect(try await s.client.get("/v2/health/ready").status == 503)
        s.repository.scan()
        #expect(try await s.client.get("/v2/health/ready").status == 200)
        s.server.beginStopping()
        #expect(try await s.client.get("/v2/health/ready").status == 503)
        #expect(try await s.client.get("/v2/health/live").status == 200)
    }

    @Test func modelMetadataDeclaresTheArtifactsInputsAndOutputs() async throws {
        let s = try Served()
        defer { s.remove() }
        let iris = try await s.client.get("/v2/models/iris")
        #expect(iris.status == 200)
        #expect(iris.json["name"] == "iris")
        #expect(iris.json["versions"] == ["v-iris-1"])
        #expect(iris.json["platform"] == "sluice")
        #expect(iris.json["inputs"] == [["name": "input-0", "datatype": "FP64", "shape": [-1, 4]]])
        #expect(iris.json["outputs"] == [["name": "predict", "datatype": "BYTES", "shape": [-1, 1]],
                                         ["name": "predict_proba", "datatype": "FP64", "shape": [-1, 3]]])
        #expect(iris.json["parameters"]?["feature_names"] == .strings(IrisRows.features))
        #expect(iris.json["parameters"]?["classes"] == ["setosa", "versicolor", "virginica"])
        #expect(iris.json["parameters"]?["sha256"] == .string(SHA256.hex(of: ServeFixtures.iris.encoded())))

        // Text features: one input per feature, BYTES for the text one; a regressor's one output.
        let mixed = try await s.client.get("/v2/models/mixed")
        #expect(mixed.json["inputs"] == [["name": "a", "datatype": "FP64", "shape": [-1, 1]],
                                         ["name": "b", "datatype": "FP64", "shape": [-1, 1]],
                                         ["name": "colour", "datatype": "BYTES", "shape": [-1, 1]]])
        #expect(mixed.json["outputs"] == [["name": "predict", "datatype": "FP64", "shape": [-1, 1]]])

        // Integer class labels are INT64.
        let numeric = try await s.client.get("/v2/models/numeric")
        #expect(numeric.json["outputs"]?.arrayValue?.first?["datatype"] == "INT64")
    }

    @Test func versionedRoutesAcceptTheServedVersionOnly() async throws {
        let s = try Served()
        defer { s.remove() }
        #expect(try await s.client.get("/v2/models/iris/versions/v-iris-1").status == 200)
        #expect(try await s.client.get("/v2/models/iris/versions/v-iris-1/ready").status == 200)
        let other = try await s.client.get("/v2/models/iris/versions/v-iris-0")
        #expect(other.status == 404)
        #expect(other.error?.contains("serves version v-iris-1") == true)
        #expect(try await s.client.get("/v2/models/iris/versions/v-iris-0/ready").status == 404)
    }

    @Test func unknownModelsAndRoutesAnswer404WithAnErrorMessage() async throws {
        let s = try Served()
        defer { s.remove() }
        for path in ["/v2/models/nosuch", "/v2/models/nosuch/ready", "/v2/nothing", "/"] {
            let r = try await s.client.get(path)
            #expect(r.status == 404, "\(path)")
            #expect(r.error?.isEmpty == false, "\(path): \(r.text)")
        }
        let infer = try await s.client.post("/v2/models/nosuch/infer", json: ["inputs": []])
        #expect(infer.status == 404)
        #expect(infer.error?.contains("iris") == true, "lists the models: \(infer.text)")
        // A known route with another method is 405, naming the methods it takes.
        let post = try await s.client.request(.post, "/v2/health/live", body: [])
        #expect(post.status == 405)
        #expect(post.headers[.allow] == "GET")
        #expect(post.error?.contains("use GET") == true, "\(post.text)")
        let get = try await s.client.get("/v2/models/iris/infer")
        #expect(get.status == 405)
        #expect(get.headers[.allow] == "POST")
        let put = try await s.client.request(.put, "/v2/models/iris", body: [])
        #expect(put.status == 405)
    }

    @Test func modelReadyIs200WhenServedAnd400WithTheReasonWhenNot() async throws {
        let s = try Served()
        defer { s.remove() }
        let ready = try await s.client.get("/v2/models/iris/ready")
        #expect(ready.status == 200)
        #expect(ready.json["ready"] == true)
        #expect(ready.json["version"] == "v-iris-1")

        // Files whose digest does not match their metadata, with nothing served before.
        let broken = "\(s.directory)/broken"
        try ServeFixtures.publish(ServeFixtures.iris, name: "broken", version: "v1", in: broken)
        try Array("{\"tampered\":true}".utf8).write(to: "\(broken)/model.json")
        s.repository.scan()
        let notReady = try await s.client.get("/v2/models/broken/ready")
        #expect(notReady.status == 400)
        #expect(notReady.json["ready"] == false)
        #expect(notReady.json["reason"]?.stringValue?.contains("sha256") == true)
        let infer = try await s.client.post("/v2/models/broken/infer", json: ["inputs": [["name": "x", "shape": [1], "datatype": "FP64", "data": [1]]]])
        #expect(infer.status == 503)
        #expect(infer.error?.contains("not ready") == true)
        #expect(try await s.client.get("/v2/models/broken").status == 503)
    }

    @Test func modelNamesArePercentDecoded() async throws {
        let s = try Served()
        defer { s.remove() }
        #expect(try await s.client.get("/v2/models/%69ris/ready").status == 200)
    }
}

extension [UInt8] {
    func write(to path: String) throws { try Data(self).write(to: URL(fileURLWithPath: path)) }
}
