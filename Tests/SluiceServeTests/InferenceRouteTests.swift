import Foundation
import HTTPTypes
import Testing
import SluiceCore
import SluiceLearn
@testable import SluiceServe

/// `POST /v2/models/{name}/infer`: every request form, datatype and error, in process. The
/// expected answers are what the artifact itself predicts for the same rows.
@Suite struct InferenceRouteTests {
    static func irisInput(_ rows: [[Double]] = IrisRows.rows, datatype: String = "FP64", nested: Bool = false) -> JSON {
        ["name": "input-0", "shape": [.number(Double(rows.count)), 4], "datatype": .string(datatype),
         "data": nested ? .array(rows.map(JSON.numbers)) : .numbers(rows.flatMap { $0 })]
    }

    @Test func flatAndNestedDataGiveTheArtifactsPredictions() async throws {
        let s = try Served()
        defer { s.remove() }
        let expected = IrisRows.expected()
        for nested in [false, true] {
            let r = try await s.client.post("/v2/models/iris/infer", json: ["inputs": [Self.irisInput(nested: nested)]])
            #expect(r.status == 200, "\(r.text)")
            #expect(r.json["model_name"] == "iris")
            #expect(r.json["model_version"] == "v-iris-1")
            #expect(r.json["id"] == nil, "no id asked, none made up")
            let outputs = try #require(r.json["outputs"]?.arrayValue)
            #expect(outputs.count == 2)
            #expect(outputs[0]["name"] == "predict")
            #expect(outputs[0]["datatype"] == "BYTES")
            #expect(outputs[0]["shape"] == [3, 1])
            #expect(outputs[0]["data"] == .array(expected.map(\.label)))
            #expect(outputs[1]["name"] == "predict_proba")
            #expect(outputs[1]["shape"] == [3, 3])
            #expect(outputs[1]["data"] == .numbers(expected.flatMap(\.probabilities)))
        }
    }

    @Test func idIsEchoedAndOutputsSelected() async throws {
        let s = try Served()
        defer { s.remove() }
        let r = try await s.client.post("/v2/models/iris/infer", json: [
            "id": "req-42", "inputs": [Self.irisInput()], "outputs": [["name": "predict_proba", "parameters": ["binary_data": false]]],
            "parameters": ["sequence_id": 7, "priority": 1, "custom": "ignored"],
        ])
        #expect(r.status == 200, "\(r.text)")
        #expect(r.json["id"] == "req-42")
        #expect(r.json["outputs"]?.arrayValue?.map { $0["name"] } == ["predict_proba"])

        let unknown = try await s.client.post("/v2/models/iris/infer", json: ["inputs": [Self.irisInput()], "outputs": [["name": "nosuch"]]])
        #expect(unknown.status == 400)
        #expect(unknown.error?.contains("\"predict\", \"predict_proba\"") == true, "\(unknown.text)")
    }

    @Test func oneRowAsAOneDimensionalTensorAndAnyInputName() async throws {
        let s = try Served()
        defer { s.remove() }
        let r = try await s.client.post("/v2/models/iris/infer", json: [
            "inputs": [["name": "whatever", "shape": [4], "datatype": "FP32", "data": [5.1, 3.5, 1.4, 0.2]]],
        ])
        #expect(r.status == 200, "\(r.text)")
        #expect(r.json["outputs"]?[0]?["data"] == [IrisRows.expected([[5.1, 3.5, 1.4, 0.2]])[0].label])
    }

    @Test func oneInputPerFeature() async throws {
        let s = try Served()
        defer { s.remove() }
        let rows = IrisRows.rows
        let inputs: [JSON] = IrisRows.features.enumerated().map { j, f in
            ["name": .string(f), "shape": [.number(Double(rows.count)), 1], "datatype": "FP64", "data": .numbers(rows.map { $0[j] })]
        }
        let r = try await s.client.post("/v2/models/iris/infer", json: ["inputs": .array(inputs.reversed())])
        #expect(r.status == 200, "\(r.text)")
        #expect(r.json["outputs"]?[0]?["data"] == .array(IrisRows.expected().map(\.label)))

        let missing = try await s.client.post("/v2/models/iris/infer", json: ["inputs": .array(Array(inputs.dropLast()))])
        #expect(missing.status == 400)
        #expect(missing.error?.contains("petal_width") == true, "\(missing.text)")

        let extra = try await s.client.post("/v2/models/iris/infer", json: ["inputs": .array(inputs + [["name": "colour", "shape": [3], "datatype": "FP64", "data": [1, 2, 3]]])])
        #expect(extra.status == 400)
        #expect(extra.error?.contains("no feature \"colour\"") == true, "\(extra.text)")
    }

    @Test func textFeaturesAsBytesAndARegressor() async throws {
        let s = try Served()
        defer { s.remove() }
        let r = try await s.client.post("/v2/models/mixed/infer", json: ["inputs": [
            ["name": "a", "shape": [2, 1], "datatype": "FP32", "data": [1.0, 4.0]],
            ["name": "b", "shape": [2], "datatype": "INT32", "data": [2, 1]],
            ["name": "colour", "shape": [2, 1], "datatype": "BYTES", "data": ["red", "blue"]],
        ]])
        #expect(r.status == 200, "\(r.text)")
        let expected = try ServeFixtures.mixed.predict(rows: [["a": 1, "b": 2, "colour": "red"], ["a": 4, "b": 1, "colour": "blue"]])
        let output = try #require(r.json["outputs"]?[0])
        #expect(output["datatype"] == "FP64")
        #expect(output["shape"] == [2, 1])
        #expect(output["data"] == .array(expected.map(\.label)))

        // The same rows as one [N, n] BYTES tensor.
        let matrix = try await s.client.post("/v2/models/mixed/infer", json: ["inputs": [
            ["name": "rows", "shape": [2, 3], "datatype": "BYTES", "data": [["1", "2", "red"], ["4", "1", "blue"]]],
        ]])
        #expect(matrix.status == 200, "\(matrix.text)")
        #expect(matrix.json["outputs"]?[0]?["data"] == .array(expected.map(\.label)))

        // A number where a text feature is expected is fine (it is looked up as text); text where a number is expected is not.
        let bad = try await s.client.post("/v2/models/mixed/infer", json: ["inputs": [
            ["name": "rows", "shape": [1, 3], "datatype": "BYTES", "data": ["one", "2", "red"]],
        ]])
        #expect(bad.status == 400)
        #expect(bad.error == "row 1: feature \"a\" must be a number, got \"one\"")
    }

    @Test func integerClassesComeBackAsInt64() async throws {
        let s = try Served()
        defer { s.remove() }
        let r = try await s.client.post("/v2/models/numeric/infer", json: ["inputs": [
            ["name": "input-0", "shape": [3, 2], "datatype": "FP64", "data": [0.1, 1, 10.2, 2, 20.3, 3]],
        ]])
        #expect(r.status == 200, "\(r.text)")
        #expect(r.json["outputs"]?[0]?["datatype"] == "INT64")
        #expect(r.json["outputs"]?[0]?["data"] == [0, 1, 2])
    }

    @Test(arguments: ["BOOL", "UINT8", "UINT16", "UINT32", "UINT64", "INT8", "INT16", "INT32", "INT64", "FP16", "FP32", "FP64"])
    func everyNumericDatatypeInJSONAndBinary(_ datatype: String) async throws {
        let s = try Served()
        defer { s.remove() }
        // Values every type can hold exactly.
        let rows: [[Double]] = datatype == "BOOL" ? [[1, 0, 1, 0], [0, 1, 1, 1]] : [[5, 3, 1, 0], [7, 3, 5, 2]]
        let expected = IrisRows.expected(rows).map(\.label)
        let flat = rows.flatMap { $0 }
        let json: JSON = datatype == "BOOL" ? .array(flat.map { .bool($0 != 0) }) : .numbers(flat)
        let r = try await s.client.post("/v2/models/iris/infer", json: ["inputs": [
            ["name": "input-0", "shape": [2, 4], "datatype": .string(datatype), "data": json],
        ]])
        #expect(r.status == 200, "\(datatype): \(r.text)")
        #expect(r.json["outputs"]?[0]?["data"] == .array(expected), "\(datatype)")

        let raw: [UInt8] = switch datatype {
        case "BOOL", "UINT8": Binary.bytes(flat.map { UInt8($0) })
        case "INT8": Binary.bytes(flat.map { Int8($0) })
        case "UINT16": Binary.bytes(flat.map { UInt16($0) })
        case "INT16": Binary.bytes(flat.map { Int16($0) })
        case "UINT32": Binary.bytes(flat.map { UInt32($0) })
        case "INT32": Binary.bytes(flat.map { Int32($0) })
        case "UINT64": Binary.bytes(flat.map { UInt64($0) })
        case "INT64": Binary.bytes(flat.map { Int64($0) })
        case "FP16": Binary.bytes(flat.map { Self.half($0) })
        case "FP32": Binary.bytes(flat.map { Float($0) })
        default: Binary.bytes(flat)
        }
        let (body, headers) = Binary.request(["inputs": [
            ["name": "input-0", "shape": [2, 4], "datatype": .string(datatype), "parameters": ["binary_data_size": .number(Double(raw.count))]],
        ]], raw)
        let b = try await s.client.request(.post, "/v2/models/iris/infer", headers: headers, body: body)
        #expect(b.status == 200, "\(datatype) binary: \(b.text)")
        #expect(b.json["outputs"]?[0]?["data"] == .array(expected), "\(datatype) binary")
    }

    /// IEEE half precision of a small whole number.
    static func half(_ d: Double) -> UInt16 {
        if d == 0 { return 0 }
        let e = Int(Foundation.log2(d).rounded(.down))
        let fraction = UInt16((d / Double(1 << e) - 1) * 1024)
        return UInt16(e + 15) << 10 | fraction
    }

    @Test func binaryInputsAndBinaryOutputsAsTritonclientSendsThem() async throws {
        let s = try Served()
        defer { s.remove() }
        let rows = IrisRows.rows
        let raw = Binary.bytes(rows.flatMap { $0.map(Float.init) })
        let (body, headers) = Binary.request([
            "id": "bin-1",
            "inputs": [["name": "input-0", "shape": [3, 4], "datatype": "FP32", "parameters": ["binary_data_size": .number(Double(raw.count))]]],
            "outputs": [["name": "predict", "parameters": ["binary_data": true]], ["name": "predict_proba", "parameters": ["binary_data": true]]],
        ], raw)
        let r = try await s.client.request(.post, "/v2/models/iris/infer", headers: headers, body: body)
        #expect(r.status == 200, "\(r.text)")
        #expect(r.json["id"] == "bin-1")
        let outputs = Binary.outputs(r)
        let expected = IrisRows.expected(rows.map { $0.map { Double(Float($0)) } })
        #expect(Binary.decodeStrings(try #require(outputs["predict"])) == expected.map { $0.label.stringValue! })
        #expect(Binary.doubles(try #require(outputs["predict_proba"])) == expected.flatMap(\.probabilities))
        #expect(r.json["outputs"]?[0]?["data"] == nil, "binary outputs carry no data")

        // binary_data_output asks for every output in binary; an output may still say no.
        let (body2, headers2) = Binary.request([
            "parameters": ["binary_data_output": true],
            "inputs": [["name": "input-0", "shape": [3, 4], "datatype": "FP32", "parameters": ["binary_data_size": .number(Double(raw.count))]]],
        ], raw)
        let all = try await s.client.request(.post, "/v2/models/iris/infer", headers: headers2, body: body2)
        #expect(Set(Binary.outputs(all).keys) == ["predict", "predict_proba"])

        // INT64 labels in binary.
        let numeric = try await s.client.post("/v2/models/numeric/infer", json: [
            "parameters": ["binary_data_output": true],
            "inputs": [["name": "input-0", "shape": [2, 2], "datatype": "FP64", "data": [0.1, 1, 20.3, 3]]],
            "outputs": [["name": "predict"]],
        ])
        #expect(Binary.int64s(try #require(Binary.outputs(numeric)["predict"])) == [0, 2])
    }

    @Test func binaryBytesInputs() async throws {
        let s = try Served()
        defer { s.remove() }
        let a = Binary.bytes([1.0, 4.0]), b = Binary.bytes([2.0, 1.0]), colour = Binary.strings(["red", "blue"])
        let (body, headers) = Binary.request(["inputs": [
            ["name": "a", "shape": [2, 1], "datatype": "FP64", "parameters": ["binary_data_size": .number(Double(a.count))]],
            ["name": "b", "shape": [2, 1], "datatype": "FP64", "parameters": ["binary_data_size": .number(Double(b.count))]],
            ["name": "colour", "shape": [2, 1], "datatype": "BYTES", "parameters": ["binary_data_size": .number(Double(colour.count))]],
        ]], a + b + colour)
        let r = try await s.client.request(.post, "/v2/models/mixed/infer", headers: headers, body: body)
        #expect(r.status == 200, "\(r.text)")
        let expected = try ServeFixtures.mixed.predict(rows: [["a": 1, "b": 2, "colour": "red"], ["a": 4, "b": 1, "colour": "blue"]])
        #expect(r.json["outputs"]?[0]?["data"] == .array(expected.map(\.label)))
    }

    @Test(arguments: [
        ("{", "not valid JSON"),
        ("[]", "must be a JSON object"),
        ("{}", "no \"inputs\""),
        (#"{"inputs":[]}"#, "non-empty array"),
        (#"{"inputs":[{"name":"x","shape":[1,4],"datatype":"FP99","data":[1,2,3,4]}]}"#, "unknown datatype \"FP99\""),
        (#"{"inputs":[{"name":"x","shape":[1,4],"datatype":"FP32","data":[1,2,3]}]}"#, "needs 4 values, got 3"),
        (#"{"inputs":[{"name":"x","shape":[1,3],"datatype":"FP32","data":[1,2,3]}]}"#, "takes [N, 4]"),
        (#"{"inputs":[{"name":"x","shape":[1,-4],"datatype":"FP32","data":[1,2,3,4]}]}"#, "non-negative integers"),
        (#"{"inputs":[{"name":"x","shape":[1,4],"datatype":"INT32","data":[1,2,3,4.5]}]}"#, "4.5 is not a valid INT32 value"),
        (#"{"inputs":[{"name":"x","shape":[1,4],"datatype":"UINT8","data":[1,2,3,300]}]}"#, "300 is not a valid UINT8 value"),
        (#"{"inputs":[{"name":"x","shape":[1,4],"datatype":"FP64","data":[1,2,3,"4"]}]}"#, "FP64 data must be numbers, got a string"),
        (#"{"inputs":[{"name":"x","shape":[1,4],"datatype":"BYTES","data":[1,2,3,4]}]}"#, "BYTES data must be strings"),
        (#"{"inputs":[{"name":"x","shape":[1,4],"datatype":"FP64"}]}"#, "has no \"data\""),
        (#"{"inputs":[{"shape":[1,4],"datatype":"FP64","data":[1,2,3,4]}]}"#, "inputs[0] has no \"name\""),
        (#"{"id":5,"inputs":[{"name":"x","shape":[1,4],"datatype":"FP64","data":[1,2,3,4]}]}"#, "\"id\" must be a string"),
        (#"{"inputs":[{"name":"x","shape":[1,4],"datatype":"FP64","parameters":{"binary_data_size":32}}]}"#, "no Inference-Header-Content-Length"),
        (#"{"inputs":[{"name":"x","shape":[100000,100000,100000],"datatype":"FP64","data":[]}]}"#, "more than"),
        (#"{"inputs":[{"name":"x","shape":[1,4],"datatype":"FP64","data":[1,2,3,4]},{"name":"x","shape":[1,4],"datatype":"FP64","data":[1,2,3,4]}]}"#, "given twice"),
    ])
    func malformedRequestsAre400WithTheReason(_ body: String, _ message: String) async throws {
        let s = try Served()
        defer { s.remove() }
        let r = try await s.client.request(.post, "/v2/models/iris/infer", body: Array(body.utf8))
        #expect(r.status == 400, "\(body) → \(r.status) \(r.text)")
        #expect(r.error?.contains(message) == true, "\(body) → \(r.text)")
        // The server still answers.
        #expect(try await s.client.post("/v2/models/iris/infer", json: ["inputs": [Self.irisInput()]]).status == 200)
    }

    @Test func malformedBinaryBodiesAre400() async throws {
        let s = try Served()
        defer { s.remove() }
        let header = JSON.object(["inputs": [["name": "x", "shape": [1, 4], "datatype": "FP32", "parameters": ["binary_data_size": 16]]]]).canonicalBytes()
        let cases: [([UInt8], String, String)] = [
            (header + [UInt8](repeating: 0, count: 8), String(header.count), "only 8 bytes"),
            (header + [UInt8](repeating: 0, count: 20), String(header.count), "4 bytes follow"),
            (header, String(header.count + 50), "has only"),
            (header, "many", "must be a byte count"),
        ]
        for (body, length, message) in cases {
            let r = try await s.client.request(.post, "/v2/models/iris/infer", headers: [HTTPField.Name("Inference-Header-Content-Length")!: length], body: body)
            #expect(r.status == 400, "\(message): \(r.text)")
            #expect(r.error?.contains(message) == true, "\(message): \(r.text)")
        }
        // BYTES elements whose length runs past the end.
        let bytesHeader = JSON.object(["inputs": [["name": "colour", "shape": [1], "datatype": "BYTES", "parameters": ["binary_data_size": 6]]]]).canonicalBytes()
        let r = try await s.client.request(.post, "/v2/models/mixed/infer", headers: [HTTPField.Name("Inference-Header-Content-Length")!: String(bytesHeader.count)],
                                           body: bytesHeader + [9, 0, 0, 0, 65, 66])
        #expect(r.status == 400)
        #expect(r.error?.contains("runs past the end") == true, "\(r.text)")
    }

    @Test func bodiesOverTheLimitAre413() async throws {
        let s = try Served(maxBodySize: 1024)
        defer { s.remove() }
        let rows = [[Double]](repeating: [5.1, 3.5, 1.4, 0.2], count: 100)
        let r = try await s.client.post("/v2/models/iris/infer", json: ["inputs": [Self.irisInput(rows)]])
        #expect(r.status == 413)
        #expect(r.error?.contains("--max-body-size") == true)
    }

    @Test func emptyBatchesGiveEmptyOutputs() async throws {
        let s = try Served()
        defer { s.remove() }
        let r = try await s.client.post("/v2/models/iris/infer", json: ["inputs": [["name": "input-0", "shape": [0, 4], "datatype": "FP64", "data": []]]])
        #expect(r.status == 200, "\(r.text)")
        #expect(r.json["outputs"]?[0]?["shape"] == [0, 1])
        #expect(r.json["outputs"]?[0]?["data"] == [])
    }

    @Test func metricsCountRequestsAndErrorsPerModel() async throws {
        let s = try Served()
        defer { s.remove() }
        for _ in 0..<3 { _ = try await s.client.post("/v2/models/iris/infer", json: ["inputs": [Self.irisInput()]]) }
        _ = try await s.client.request(.post, "/v2/models/iris/infer", body: Array("{".utf8))
        _ = try await s.client.post("/v2/models/nosuch/infer", json: ["inputs": [Self.irisInput()]])
        let m = try await s.client.get("/metrics")
        #expect(m.status == 200)
        #expect(m.headers[.contentType]?.hasPrefix("text/plain") == true)
        let lines = Set(m.text.split(separator: "\n").map(String.init))
        #expect(lines.contains(#"sluice_inference_requests_total{model="iris"} 4"#), "\(m.text)")
        #expect(lines.contains(#"sluice_inference_errors_total{model="iris",code="400"} 1"#), "\(m.text)")
        #expect(lines.contains(#"sluice_inference_requests_total{model="unknown"} 1"#), "\(m.text)")
        #expect(lines.contains(#"sluice_inference_duration_seconds_count{model="iris"} 4"#), "\(m.text)")
        #expect(lines.contains("sluice_models_loaded 3.0"), "\(m.text)")
        #expect(lines.contains("sluice_models_failing 0.0"), "\(m.text)")
    }
}
