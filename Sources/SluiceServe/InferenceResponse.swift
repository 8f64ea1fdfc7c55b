import SluiceCore

/// An encoded inference response: a JSON document, followed by the binary outputs when any
/// were asked for in binary form (then ``headerLength`` is the length of the JSON part, sent as
/// `Inference-Header-Content-Length`).
public struct InferenceResponse: Sendable {
    public var body: [UInt8]
    public var headerLength: Int?

    static func encode(model: String, version: String, id: String?, outputs: [OutputTensor]) -> InferenceResponse {
        var json: [UInt8] = []
        json.reserveCapacity(128 + outputs.reduce(0) { $0 + $1.shape.reduce(1, *) * 20 })
        json.append(contentsOf: #"{"model_name":"#.utf8)
        JSON.writeString(model, into: &json)
        json.append(contentsOf: #","model_version":"#.utf8)
        JSON.writeString(version, into: &json)
        if let id {
            json.append(contentsOf: #","id":"#.utf8)
            JSON.writeString(id, into: &json)
        }
        json.append(contentsOf: #","outputs":["#.utf8)
        var binary: [UInt8] = []
        for (i, output) in outputs.enumerated() {
            if i > 0 { json.append(UInt8(ascii: ",")) }
            json.append(contentsOf: #"{"name":"#.utf8)
            JSON.writeString(output.name, into: &json)
            json.append(contentsOf: #","datatype":""#.utf8)
            json.append(contentsOf: output.datatype.utf8)
            json.append(contentsOf: #"","shape":["#.utf8)
            json.append(contentsOf: output.shape.map(String.init).joined(separator: ",").utf8)
            json.append(UInt8(ascii: "]"))
            if output.binary {
                let bytes = output.binaryData
                json.append(contentsOf: #","parameters":{"binary_data_size":"#.utf8)
                json.append(contentsOf: String(bytes.count).utf8)
                json.append(contentsOf: "}}".utf8)
                binary.append(contentsOf: bytes)
                continue
            }
            json.append(contentsOf: #","data":["#.utf8)
            switch output.values {
            case .fp64(let v):
                for (k, d) in v.enumerated() {
                    if k > 0 { json.append(UInt8(ascii: ",")) }
                    json.append(contentsOf: JSON.format(d).utf8)
                }
            case .int64(let v):
                for (k, n) in v.enumerated() {
                    if k > 0 { json.append(UInt8(ascii: ",")) }
                    json.append(contentsOf: String(n).utf8)
                }
            case .bytes(let v):
                for (k, s) in v.enumerated() {
                    if k > 0 { json.append(UInt8(ascii: ",")) }
                    JSON.writeString(s, into: &json)
                }
            }
            json.append(contentsOf: "]}".utf8)
        }
        json.append(contentsOf: "]}".utf8)
        guard outputs.contains(where: \.binary) else { return InferenceResponse(body: json, headerLength: nil) }
        let headerLength = json.count
        json.append(contentsOf: binary)
        return InferenceResponse(body: json, headerLength: headerLength)
    }
}
