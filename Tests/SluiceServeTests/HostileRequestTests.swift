import Foundation
import HTTPTypes
import Testing
import SluiceCore
import SluiceLearn
@testable import SluiceServe

/// Requests from the reliability attack (D1, D2, D11, D17, D19): each one crashed the server,
/// answered nonsense or cost far more than it should; now each is a 4xx naming what is wrong,
/// and the server answers the next request.
@Suite struct HostileRequestTests {
    static let knn: ModelArtifact = try! ServeFixtures.train("knn", [:], target: "species", task: .classification,
                                                             frame: ServeFixtures.frame("examples/data/iris.csv"))
    /// A kNN regressor over four numeric features, weighting neighbours by distance.
    static let knnRegressor: ModelArtifact = {
        var text = "a,b,c,d,y\n"
        for i in 0..<100 { text += "\(i % 7),\(i % 5),\(i % 3),\(i % 11),\(Double(i) / 10)\n" }
        return try! ServeFixtures.train("knn", ["weights": "distance"], target: "y", task: .regression, frame: CSVReader.parse(Array(text.utf8)))
    }()
    static let logistic: ModelArtifact = try! ServeFixtures.train("logistic_regression", [:], target: "species", task: .classification,
                                                                  frame: ServeFixtures.frame("examples/data/iris.csv"))
    static let bayes: ModelArtifact = try! ServeFixtures.train("naive_bayes", [:], target: "species", task: .classification,
                                                               frame: ServeFixtures.frame("examples/data/iris.csv"))

    /// A logistic regression over a text feature of 3,000 values (2,100 categories in the training split).
    static let wide: ModelArtifact = {
        var text = "city,x,label\n"
        for i in 0..<3000 { text += "c\(i),\(Double(i % 10)),\(i % 2 == 0 ? "p" : "q")\n" }
        return try! ServeFixtures.train("logistic_regression", ["maxIter": 5], target: "label", task: .classification,
                                        frame: CSVReader.parse(Array(text.utf8)))
    }()

    static func served() throws -> Served {
        let s = try Served()
        try ServeFixtures.publish(knn, name: "iris-knn", version: "v1", in: "\(s.directory)/iris-knn")
        try ServeFixtures.publish(knnRegressor, name: "knn-reg", version: "v1", in: "\(s.directory)/knn-reg")
        try ServeFixtures.publish(logistic, name: "iris-logistic", version: "v1", in: "\(s.directory)/iris-logistic")
        try ServeFixtures.publish(bayes, name: "iris-bayes", version: "v1", in: "\(s.directory)/iris-bayes")
        try ServeFixtures.publish(wide, name: "wide", version: "v1", in: "\(s.directory)/wide")
        s.repository.scan()
        return s
    }

    static func huge(_ datatype: String = "FP64") -> JSON {
        ["inputs": [["name": "input-0", "shape": [2, 4], "datatype": .string(datatype), "data": [5.1, 3.5, 1.4, 0.2, 1e308, -1e308, 1e308, -1e308]]]]
    }

    @Test(arguments: ["iris-knn", "knn-reg", "iris-logistic", "iris-bayes"])
    func valuesThatOverflowAre400NamingTheRow(_ model: String) async throws {
        let s = try Self.served()
        defer { s.remove() }
        let r = try await s.client.post("/v2/models/\(model)/infer", json: Self.huge())
        // D1: the kNN models crashed the server; D17: the linear and Bayes ones answered 200 with
        // [null, null, null] and the label "setosa".
        #expect(r.status == 400, "\(r.text)")
        #expect(r.error?.contains("row 2") == true && r.error?.contains("overflowed") == true, "\(r.text)")
        let good = try await s.client.post("/v2/models/\(model)/infer", json: ["inputs": [InferenceRouteTests.irisInput()]])
        #expect(good.status == 200, "\(good.text)")
    }

    @Test func infinityInBinaryDataAndFP32OutOfRangeAre400() async throws {
        let s = try Self.served()
        defer { s.remove() }
        let raw = Binary.bytes([5.1, 3.5, .infinity, 0.2])
        let header = JSON.object(["inputs": [["name": "input-0", "shape": [1, 4], "datatype": "FP64", "parameters": ["binary_data_size": 32]]]]).canonicalBytes()
        let r = try await s.client.request(.post, "/v2/models/iris-knn/infer", headers: [HTTPField.Name("Inference-Header-Content-Length")!: String(header.count)],
                                           body: header + raw)
        #expect(r.status == 400)
        #expect(r.error?.contains("element 2 is +infinity") == true, "\(r.text)")
        let fp32 = try await s.client.post("/v2/models/iris/infer", json: Self.huge("FP32"))
        #expect(fp32.status == 400)
        #expect(fp32.error?.contains("out of the range of FP32") == true, "\(fp32.text)")
    }

    @Test func nestedDataMustHaveTheShape() async throws {
        let s = try Self.served()
        defer { s.remove() }
        for data: JSON in [[[1, 2], [3], [4]], [[1, 2, 3, 4, 5, 6, 7, 8]], [[1, 2, 3, 4], [5, 6, 7, [8]]], [[1, 2], [3, 4], [5, 6], [7, 8]]] {
            let r = try await s.client.post("/v2/models/iris/infer", json: ["inputs": [["name": "input-0", "shape": [2, 4], "datatype": "FP64", "data": data]]])
            #expect(r.status == 400, "\(data.canonical()): \(r.text)")
            #expect(r.error?.contains("does not have the shape [2,4]") == true || r.error?.contains("needs 8 values") == true, "\(r.text)")
        }
        let good = try await s.client.post("/v2/models/iris/infer", json: ["inputs": [["name": "input-0", "shape": [2, 4], "datatype": "FP64",
                                                                                          "data": [[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3]]]]])
        #expect(good.status == 200, "\(good.text)")
    }

    @Test func anOutputAskedForTwiceIs400() async throws {
        let s = try Self.served()
        defer { s.remove() }
        let r = try await s.client.post("/v2/models/iris/infer", json: ["inputs": [InferenceRouteTests.irisInput()],
                                                                       "outputs": [["name": "predict_proba"], ["name": "predict"], ["name": "predict_proba"]]])
        #expect(r.status == 400)
        #expect(r.error?.contains("output \"predict_proba\" is asked for twice") == true, "\(r.text)")
    }

    @Test func aWideOneHotModelAnswersByRowAndRefusesMoreWorkThanTheLimit() async throws {
        let s = try Self.served()
        defer { s.remove() }
        let width = Self.wide.encoder.width
        #expect(width > 2000)
        // Rows are encoded one at a time (D2: the whole N × 3,001 matrix was allocated first).
        let n = 2000
        let ok = try await s.client.post("/v2/models/wide/infer", json: ["inputs": [
            ["name": "city", "shape": [.number(Double(n)), 1], "datatype": "BYTES", "data": .strings((0..<n).map { "c\($0)" })],
            ["name": "x", "shape": [.number(Double(n)), 1], "datatype": "FP64", "data": .numbers((0..<n).map { Double($0 % 10) })],
        ]])
        #expect(ok.status == 200, "\(ok.text)")
        let expected = try Self.wide.predict(rows: (0..<n).map { ["city": .string("c\($0)"), "x": .number(Double($0 % 10))] })
        #expect(ok.json["outputs"]?[0]?["data"] == .array(expected.map(\.label)))
        // More rows than the limit allows for this width: refused before any is encoded, saying how many fit.
        let most = ServedModel.maxEncodedValues / width
        let big = most + 1
        let r = try await s.client.post("/v2/models/wide/infer", json: ["inputs": [
            ["name": "city", "shape": [.number(Double(big))], "datatype": "BYTES", "data": .strings([String](repeating: "", count: big))],
            ["name": "x", "shape": [.number(Double(big))], "datatype": "UINT8", "data": .numbers([Double](repeating: 0, count: big))],
        ]])
        #expect(r.status == 400)
        #expect(r.error?.contains("send at most \(most) rows per request") == true, "\(r.text)")
        // Far more rows (the attack's 4 M): refused from the shapes, before the data is decoded.
        let huge = try await s.client.post("/v2/models/wide/infer", json: ["inputs": [
            ["name": "city", "shape": [4_000_000], "datatype": "BYTES", "data": ["x"]],
            ["name": "x", "shape": [4_000_000], "datatype": "UINT8", "data": [0]],
        ]])
        #expect(huge.status == 400)
        #expect(huge.error?.contains("takes at most \(most) rows per request") == true, "\(huge.text)")
    }

    @Test func aDeclaredBodyAboveTheLimitIs413BeforeReadingIt() async throws {
        let s = try Served(maxBodySize: 1 << 20)
        defer { s.remove() }
        // D19: Content-Length 10^18 left the server waiting for the body.
        let r = try await s.client.request(.post, "/v2/models/iris/infer", headers: [.contentLength: "1000000000000000000"])
        #expect(r.status == 413)
        #expect(r.error?.contains("1000000000000000000 bytes") == true, "\(r.text)")
    }

    @Test func theReaderStopsAtTheElementLimit() throws {
        // D11: the element limit was checked only after the whole body was a JSON tree.
        var data = RequestReader.TensorData()
        let numbers = Array("[[1,2],[3,4]]".utf8)
        numbers.withUnsafeBufferPointer { b in
            var r = RequestReader(b)
            #expect(throws: ServeError.badRequest("\"data\" has more than 3 elements, the most one request may carry")) {
                try r.tensorData(&data, limit: 3)
            }
        }
        #expect(data.numbers == [1, 2, 3])
    }
}

/// Crafted model files in the served repository (D4): refused with the reason, never loaded,
/// and the rest of the repository keeps serving.
@Suite struct CraftedModelFileTests {
    @Test func anArtifactWhoseSizesOverflowIsRefusedAndTheOthersServe() async throws {
        let s = try Served()
        defer { s.remove() }
        // 8.9e15 rows × 1,100 features overflowed `rows * features` in the decoder: the hot-reload
        // scan trapped, and a restarted server trapped again on the same file.
        let features: [JSON] = (0..<1100).map { ["name": .string("f\($0)"), "type": "numeric", "fill": 0] }
        let crafted = JSON.object([
            "format": "sluice.model", "formatVersion": .number(Double(ModelArtifact.formatVersion)), "task": "classification",
            "algorithm": ["name": "knn", "params": [:]], "features": .array(features), "encoding": "one_hot",
            "target": ["name": "y", "type": "string", "classes": ["a", "b"]],
            "model": ["kind": "neighbors", "k": 1, "weights": "uniform", "rows": 8.9e15, "features": 1100, "points": [], "labels": []],
        ]).canonicalBytes()
        let dir = "\(s.directory)/evil"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try Data(crafted).write(to: URL(fileURLWithPath: "\(dir)/model.json"))
        try Data(ServeFixtures.metadata(name: "evil", version: "v1", digest: SHA256.hex(of: crafted), bytes: crafted.count))
            .write(to: URL(fileURLWithPath: "\(dir)/metadata.json"))
        s.repository.scan()
        #expect(s.repository.model("evil") == nil)
        #expect(s.repository.status("evil")?.reason?.contains("artifact field model") == true, "\(s.repository.status("evil")?.reason ?? "")")
        let good = try await s.client.post("/v2/models/iris/infer", json: ["inputs": [InferenceRouteTests.irisInput()]])
        #expect(good.status == 200)
    }
}
