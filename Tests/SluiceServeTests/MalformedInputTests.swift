import Foundation
import HTTPTypes
import Testing
import SluiceCore
import SluiceLearn
@testable import SluiceServe

/// Malformed input never crashes the server: thousands of mutated request bodies (bytes flipped,
/// inserted, deleted, truncated, header lengths off), every one answered with 200 or a 4xx that
/// carries a message, and the server answering a good request afterwards.
@Suite struct MalformedInputTests {
    static let seeds: [(model: String, body: [UInt8], headerLength: Int?)] = {
        let json = JSON.object(["id": "x", "inputs": [["name": "input-0", "shape": [2, 4], "datatype": "FP32",
                                                      "data": [[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3]]]],
                                "outputs": [["name": "predict", "parameters": ["binary_data": true]]]]).canonicalBytes()
        let raw = Binary.bytes([1.0, 4.0]) + Binary.strings(["red", "blue"])
        let header = JSON.object(["inputs": [
            ["name": "a", "shape": [2, 1], "datatype": "FP64", "parameters": ["binary_data_size": 16]],
            ["name": "b", "shape": [2], "datatype": "INT64", "data": [2, 1]],
            ["name": "colour", "shape": [2, 1], "datatype": "BYTES", "parameters": ["binary_data_size": .number(Double(raw.count - 16))]],
        ]]).canonicalBytes()
        return [("iris", json, nil), ("mixed", header + raw, header.count)]
    }()

    @Test func mutatedBodiesGetAnAnswerNeverACrash() async throws {
        let s = try Served()
        defer { s.remove() }
        var rng = SplitMix64(seed: 2026)
        var statuses: [Int: Int] = [:]
        for i in 0..<3000 {
            let seed = Self.seeds[i % Self.seeds.count]
            var body = seed.body
            var headerLength = seed.headerLength
            for _ in 0..<(1 + rng.below(4)) {
                switch rng.below(6) {
                case 0 where !body.isEmpty: body[rng.below(body.count)] = UInt8(rng.below(256))
                case 1: body.insert(Array("{}[],:\"0-9eE.\\ntruefalsenull".utf8)[rng.below(27)], at: rng.below(body.count + 1))
                case 2 where !body.isEmpty: body.remove(at: rng.below(body.count))
                case 3: body = Array(body.prefix(rng.below(body.count + 1)))
                case 4: headerLength = headerLength.map { $0 + rng.below(9) - 4 }
                default: if let d = body.firstIndex(where: { (0x30...0x39).contains($0) }) { body[d] = UInt8(ascii: "9") }
                }
            }
            var headers: HTTPFields = [:]
            if let headerLength { headers[HTTPField.Name("Inference-Header-Content-Length")!] = String(headerLength) }
            let r = try await s.client.request(.post, "/v2/models/\(seed.model)/infer", headers: headers, body: body)
            statuses[r.status, default: 0] += 1
            #expect(r.status == 200 || (400..<500).contains(r.status), "\(r.status) for \(String(decoding: body, as: UTF8.self)): \(r.text)")
            if r.status != 200 { #expect(r.error?.isEmpty == false, "\(r.text)") }
        }
        #expect((statuses[400] ?? 0) > 1000, "most mutations are errors: \(statuses)")
        #expect((statuses[200] ?? 0) > 10, "some mutations are still valid requests: \(statuses)")
        let good = try await s.client.post("/v2/models/iris/infer", json: ["inputs": [InferenceRouteTests.irisInput()]])
        #expect(good.status == 200)
    }
}
