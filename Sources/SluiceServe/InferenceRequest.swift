import SluiceCore

/// One input tensor of an inference request, its data flattened in row-major order.
public struct InputTensor: Sendable, Equatable {
    /// Element values: numbers (every numeric type and BOOL, as doubles) or strings (BYTES).
    public enum Values: Sendable, Equatable {
        case numbers([Double])
        case strings([String])

        var count: Int {
            switch self {
            case .numbers(let v): v.count
            case .strings(let v): v.count
            }
        }
    }

    public var name: String
    public var datatype: Datatype
    public var shape: [Int]
    public var values: Values
}

/// An output the client asked for, and whether it wants it in binary form.
public struct RequestedOutput: Sendable, Equatable {
    public var name: String
    public var binary: Bool
}

/// A `POST …/infer` request of the Open Inference Protocol, with the binary tensor extension:
/// the body is a JSON header, followed (when `Inference-Header-Content-Length` is sent) by the
/// raw bytes of the inputs that carry `parameters.binary_data_size` instead of `data`.
public struct InferenceRequest: Sendable, Equatable {
    /// The request's `id`, echoed in the response.
    public var id: String?
    public var inputs: [InputTensor]
    /// The outputs asked for; `nil` asks for every output.
    public var outputs: [RequestedOutput]?
    /// `parameters.binary_data_output`: every output in binary form unless it says otherwise.
    public var binaryOutput: Bool

    /// The most elements one request may carry (32 Mi: 256 MiB as doubles).
    static let maxElements = 1 << 25

    /// Parses a request body.
    /// - Parameter headerLength: the value of `Inference-Header-Content-Length`, when sent.
    /// - Throws: ``ServeError`` (400) naming the field or input at fault.
    public static func decode(_ body: [UInt8], headerLength: Int?) throws(ServeError) -> InferenceRequest {
        let jsonEnd: Int
        if let headerLength {
            guard headerLength >= 0, headerLength <= body.count else {
                throw .badRequest("Inference-Header-Content-Length is \(headerLength), but the body has only \(body.count) bytes")
            }
            jsonEnd = headerLength
        } else {
            jsonEnd = body.count
        }
        let root: JSON
        do { root = try JSONParser.parse(Array(body[0..<jsonEnd])).value } catch {
            throw .badRequest("the request body is not valid JSON: \(error)")
        }
        guard case .object(let object) = root else { throw .badRequest("the request body must be a JSON object, got \(root.typeDescription)") }

        var request = InferenceRequest(id: nil, inputs: [], outputs: nil, binaryOutput: false)
        switch object["id"] {
        case nil, .null?: break
        case .string(let s)?: request.id = s
        case let other?: throw .badRequest("\"id\" must be a string, got \(other.typeDescription)")
        }
        if case .object(let parameters)? = object["parameters"], case .bool(let b)? = parameters["binary_data_output"] {
            request.binaryOutput = b
        }
        guard let inputsValue = object["inputs"] else { throw .badRequest("the request has no \"inputs\"") }
        guard case .array(let inputs) = inputsValue, !inputs.isEmpty else {
            throw .badRequest("\"inputs\" must be a non-empty array of tensors")
        }
        var binary = body[jsonEnd...]
        var names: Set<String> = []
        for (i, input) in inputs.enumerated() {
            let tensor = try decodeInput(input, index: i, binary: &binary, hasBinary: headerLength != nil)
            guard names.insert(tensor.name).inserted else { throw .badRequest("input \"\(tensor.name)\" is given twice") }
            request.inputs.append(tensor)
        }
        if !binary.isEmpty {
            throw .badRequest("\(binary.count) bytes follow the JSON header that no input's binary_data_size accounts for")
        }
        if let outputs = object["outputs"] {
            guard case .array(let list) = outputs else { throw .badRequest("\"outputs\" must be an array, got \(outputs.typeDescription)") }
            request.outputs = try list.enumerated().map { i, item throws(ServeError) -> RequestedOutput in
                guard case .object(let o) = item, case .string(let name)? = o["name"] else {
                    throw .badRequest("outputs[\(i)] must be an object with a \"name\"")
                }
                var binaryOutput = request.binaryOutput
                if case .object(let p)? = o["parameters"], case .bool(let b)? = p["binary_data"] { binaryOutput = b }
                return RequestedOutput(name: name, binary: binaryOutput)
            }
        }
        return request
    }

    private static func decodeInput(_ value: JSON, index i: Int, binary: inout ArraySlice<UInt8>, hasBinary: Bool) throws(ServeError) -> InputTensor {
        guard case .object(let o) = value else { throw .badRequest("inputs[\(i)] must be an object, got \(value.typeDescription)") }
        guard case .string(let name)? = o["name"] else { throw .badRequest("inputs[\(i)] has no \"name\"") }
        guard case .string(let typeName)? = o["datatype"] else { throw .badRequest("input \"\(name)\" has no \"datatype\"") }
        let datatype = try Datatype.named(typeName, input: name)
        guard case .array(let dims)? = o["shape"] else { throw .badRequest("input \"\(name)\" has no \"shape\" (an array of dimensions)") }
        var shape: [Int] = []
        var count = 1
        for d in dims {
            guard let n = d.intValue, n >= 0 else { throw .badRequest("input \"\(name)\": shape \(value["shape"]!.canonical()) must hold non-negative integers") }
            shape.append(n)
            count = count.multipliedReportingOverflow(by: n).overflow ? Int.max : count * n
        }
        guard count <= maxElements else { throw .badRequest("input \"\(name)\": shape \(value["shape"]!.canonical()) has more than \(maxElements) elements") }

        var binarySize: Int?
        if case .object(let p)? = o["parameters"], let size = p["binary_data_size"] {
            guard let n = size.intValue, n >= 0 else { throw .badRequest("input \"\(name)\": binary_data_size must be a non-negative integer") }
            binarySize = n
        }
        let values: InputTensor.Values
        if let binarySize {
            guard hasBinary else {
                throw .badRequest("input \"\(name)\" has binary_data_size but the request has no Inference-Header-Content-Length header")
            }
            guard binarySize <= binary.count else {
                throw .badRequest("input \"\(name)\": binary_data_size is \(binarySize), but only \(binary.count) bytes of binary data are left")
            }
            let bytes = binary.prefix(binarySize)
            binary = binary.dropFirst(binarySize)
            values = try decodeBinary(bytes, datatype: datatype, count: count, name: name)
        } else {
            guard let data = o["data"] else { throw .badRequest("input \"\(name)\" has no \"data\" (and no binary_data_size)") }
            values = try decodeData(data, datatype: datatype, name: name)
        }
        guard values.count == count else {
            throw .badRequest("input \"\(name)\": shape \(o["shape"]!.canonical()) needs \(count) values, got \(values.count)")
        }
        return InputTensor(name: name, datatype: datatype, shape: shape, values: values)
    }

    private static func decodeBinary(_ bytes: ArraySlice<UInt8>, datatype: Datatype, count: Int, name: String) throws(ServeError) -> InputTensor.Values {
        guard let size = datatype.size else {
            var strings: [String] = []
            strings.reserveCapacity(min(count, bytes.count / 4))
            var rest = bytes
            while !rest.isEmpty {
                guard rest.count >= 4 else { throw .badRequest("input \"\(name)\": BYTES data ends inside an element's 4-byte length") }
                let length = rest.prefix(4).withUnsafeBytes { Int(UInt32(littleEndian: $0.loadUnaligned(as: UInt32.self))) }
                rest = rest.dropFirst(4)
                guard length <= rest.count else { throw .badRequest("input \"\(name)\": a BYTES element of \(length) bytes runs past the end of its data") }
                strings.append(String(decoding: rest.prefix(length), as: UTF8.self))
                rest = rest.dropFirst(length)
            }
            return .strings(strings)
        }
        guard bytes.count == count * size else {
            throw .badRequest("input \"\(name)\": \(count) \(datatype.rawValue) values take \(count * size) bytes, but binary_data_size is \(bytes.count)")
        }
        return .numbers(datatype.decodeNumbers(bytes, count: count))
    }

    private static func decodeData(_ data: JSON, datatype: Datatype, name: String) throws(ServeError) -> InputTensor.Values {
        var flat: [JSON] = []
        try flatten(data, into: &flat, name: name, depth: 0)
        if datatype == .bytes {
            return .strings(try flat.map { v throws(ServeError) -> String in
                guard case .string(let s) = v else { throw .badRequest("input \"\(name)\": BYTES data must be strings, got \(v.typeDescription)") }
                return s
            })
        }
        var numbers = [Double]()
        numbers.reserveCapacity(flat.count)
        for v in flat {
            switch v {
            case .number(let d):
                if datatype.isInteger {
                    guard d == d.rounded(), datatype.integerRange.contains(d) else {
                        throw .badRequest("input \"\(name)\": \(JSON.format(d)) is not a valid \(datatype.rawValue) value")
                    }
                    numbers.append(d)
                } else if datatype == .fp32 {
                    numbers.append(Double(Float(d)))
                } else if datatype == .bool {
                    throw .badRequest("input \"\(name)\": BOOL data must be true or false, got \(JSON.format(d))")
                } else {
                    numbers.append(d)
                }
            case .bool(let b) where datatype == .bool:
                numbers.append(b ? 1 : 0)
            default:
                throw .badRequest("input \"\(name)\": \(datatype.rawValue) data must be \(datatype == .bool ? "true or false" : "numbers"), got \(v.typeDescription)")
            }
        }
        return .numbers(numbers)
    }

    /// Flattens nested arrays ("natural" form) into row-major order.
    private static func flatten(_ value: JSON, into out: inout [JSON], name: String, depth: Int) throws(ServeError) {
        guard case .array(let items) = value else {
            if depth == 0 { throw .badRequest("input \"\(name)\": \"data\" must be an array, got \(value.typeDescription)") }
            out.append(value)
            return
        }
        for item in items { try flatten(item, into: &out, name: name, depth: depth + 1) }
    }
}
