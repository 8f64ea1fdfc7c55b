import SluiceCore

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
        try body.withUnsafeBufferPointer { b throws(ServeError) in try decode(b, headerLength: headerLength) }
    }

    /// The most elements one input may have, and why, when a model says so (see
    /// ``ServedModel/inputLimit``): checked against each input's shape before its data is decoded.
    public struct InputLimit: Sendable {
        public var elements: Int
        public var reason: String
        public init(elements: Int, reason: String) {
            self.elements = elements
            self.reason = reason
        }
    }

    /// Parses a request body in place (the server's receive buffer: no copy of it is made).
    /// The JSON header is read by ``RequestReader``, which puts tensor data straight into flat
    /// arrays and stops at the element limit, so a request never costs much more memory than its
    /// data as doubles.
    /// - Parameters:
    ///   - headerLength: the value of `Inference-Header-Content-Length`, when sent.
    ///   - limit: a smaller bound on each input's elements than the request's, from the model.
    /// - Throws: ``ServeError`` (400) naming the field or input at fault.
    public static func decode(_ body: UnsafeBufferPointer<UInt8>, headerLength: Int?, limit: InputLimit? = nil) throws(ServeError) -> InferenceRequest {
        let jsonEnd: Int
        if let headerLength {
            guard headerLength >= 0, headerLength <= body.count else {
                throw .badRequest("Inference-Header-Content-Length is \(headerLength), but the body has only \(body.count) bytes")
            }
            jsonEnd = headerLength
        } else {
            jsonEnd = body.count
        }
        var reader = RequestReader(UnsafeBufferPointer(rebasing: body[0..<jsonEnd]))
        guard reader.atObject() else {
            let root = try reader.value()
            throw .badRequest("the request body must be a JSON object, got \(root.typeDescription)")
        }
        var request = InferenceRequest(id: nil, inputs: [], outputs: nil, binaryOutput: false)
        var id: JSON?, parameters: JSON?, outputs: JSON?
        var rawInputs: [RawInput]?
        var inputsType: String?
        try reader.object { r, key throws(ServeError) in
            switch key {
            case "id": id = try r.value()
            case "parameters": parameters = try r.value()
            case "outputs": outputs = try r.value()
            case "inputs":
                guard r.atArray() else { inputsType = try r.value().typeDescription; return }
                var list: [RawInput] = []
                var elements = 0
                try r.array { r, i throws(ServeError) in
                    guard r.atObject() else { throw .badRequest("inputs[\(i)] must be an object, got \(try r.value().typeDescription)") }
                    let input = try RawInput.read(&r, index: i, budget: maxElements - elements)
                    elements += input.data?.count ?? 0
                    list.append(input)
                }
                rawInputs = list
            default: _ = try r.value()
            }
        }
        try reader.end()
        switch id {
        case nil, .null?: break
        case .string(let s)?: request.id = s
        case let other?: throw .badRequest("\"id\" must be a string, got \(other.typeDescription)")
        }
        if case .object(let p)? = parameters, case .bool(let b)? = p["binary_data_output"] {
            request.binaryOutput = b
        }
        if let inputsType { throw .badRequest("\"inputs\" must be a non-empty array of tensors, got \(inputsType)") }
        guard let rawInputs else { throw .badRequest("the request has no \"inputs\"") }
        guard !rawInputs.isEmpty else { throw .badRequest("\"inputs\" must be a non-empty array of tensors") }
        var binary = body[jsonEnd...]
        var names: Set<String> = []
        for (i, input) in rawInputs.enumerated() {
            let tensor = try input.tensor(index: i, binary: &binary, hasBinary: headerLength != nil, limit: limit)
            guard names.insert(tensor.name).inserted else { throw .badRequest("input \"\(tensor.name)\" is given twice") }
            request.inputs.append(tensor)
        }
        if !binary.isEmpty {
            throw .badRequest("\(binary.count) bytes follow the JSON header that no input's binary_data_size accounts for")
        }
        if let outputs {
            guard case .array(let list) = outputs else { throw .badRequest("\"outputs\" must be an array, got \(outputs.typeDescription)") }
            var seen: Set<String> = []
            request.outputs = try list.enumerated().map { i, item throws(ServeError) -> RequestedOutput in
                guard case .object(let o) = item, case .string(let name)? = o["name"] else {
                    throw .badRequest("outputs[\(i)] must be an object with a \"name\"")
                }
                guard seen.insert(name).inserted else { throw .badRequest("output \"\(name)\" is asked for twice (outputs[\(i)]); ask for each output once") }
                var binaryOutput = request.binaryOutput
                if case .object(let p)? = o["parameters"], case .bool(let b)? = p["binary_data"] { binaryOutput = b }
                return RequestedOutput(name: name, binary: binaryOutput)
            }
        }
        return request
    }

    /// One element of `inputs` as read, before it is checked.
    struct RawInput {
        var fields: [String: JSON] = [:]
        var data: RequestReader.TensorData?
        /// What `data` was when it is not an array.
        var dataType: String?

        static func read(_ r: inout RequestReader, index: Int, budget: Int) throws(ServeError) -> RawInput {
            var input = RawInput()
            try r.object { r, key throws(ServeError) in
                guard key == "data" else { input.fields[key] = try r.value(); return }
                guard r.atArray() else { input.dataType = try r.value().typeDescription; return }
                var data = RequestReader.TensorData()
                do throws(ServeError) { try r.tensorData(&data, limit: max(budget, 0)) } catch {
                    throw .badRequest("inputs[\(index)]: \(error.message)")
                }
                input.data = data
            }
            return input
        }

        func tensor(index i: Int, binary: inout UnsafeBufferPointer<UInt8>.SubSequence, hasBinary: Bool, limit: InputLimit?) throws(ServeError) -> InputTensor {
            let o = fields
            guard case .string(let name)? = o["name"] else { throw .badRequest("inputs[\(i)] has no \"name\"") }
            guard case .string(let typeName)? = o["datatype"] else { throw .badRequest("input \"\(name)\" has no \"datatype\"") }
            let datatype = try Datatype.named(typeName, input: name)
            guard case .array(let dims)? = o["shape"] else { throw .badRequest("input \"\(name)\" has no \"shape\" (an array of dimensions)") }
            var shape: [Int] = []
            var count = 1
            for d in dims {
                guard let n = d.intValue, n >= 0 else { throw .badRequest("input \"\(name)\": shape \(o["shape"]!.canonical()) must hold non-negative integers") }
                shape.append(n)
                count = count.multipliedReportingOverflow(by: n).overflow ? Int.max : count * n
            }
            guard count <= maxElements else { throw .badRequest("input \"\(name)\": shape \(o["shape"]!.canonical()) has more than \(maxElements) elements") }
            if let limit, count > limit.elements {
                throw .badRequest("input \"\(name)\": shape \(o["shape"]!.canonical()) has \(count) elements, more than \(limit.elements): \(limit.reason)")
            }

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
                values = try decodeBinary(Array(bytes)[...], datatype: datatype, count: count, name: name)
            } else {
                if let dataType { throw .badRequest("input \"\(name)\": \"data\" must be an array, got \(dataType)") }
                guard let data else { throw .badRequest("input \"\(name)\" has no \"data\" (and no binary_data_size)") }
                if data.lengths.count > 1 {
                    guard let nested = data.nestedShape, nested == shape else {
                        throw .badRequest("input \"\(name)\": nested \"data\" does not have the shape \(o["shape"]!.canonical()); give it flat (row-major) or nested exactly as the shape says")
                    }
                }
                values = try typed(data, datatype: datatype, name: name)
            }
            guard values.count == count else {
                throw .badRequest("input \"\(name)\": shape \(o["shape"]!.canonical()) needs \(count) values, got \(values.count)")
            }
            return InputTensor(name: name, datatype: datatype, shape: shape, values: values)
        }
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
                guard strings.count <= count else { throw .badRequest("input \"\(name)\": the BYTES data holds more than the \(count) elements its shape says") }
            }
            return .strings(strings)
        }
        guard bytes.count == count * size else {
            throw .badRequest("input \"\(name)\": \(count) \(datatype.rawValue) values take \(count * size) bytes, but binary_data_size is \(bytes.count)")
        }
        let numbers = datatype.decodeNumbers(bytes, count: count)
        // NaN is a missing value (imputed); an infinity is no value a model can compute with.
        if let i = numbers.firstIndex(where: \.isInfinite) {
            throw .badRequest("input \"\(name)\": element \(i) is \(numbers[i] > 0 ? "+" : "-")infinity; send finite numbers (NaN for a missing value)")
        }
        return .numbers(numbers)
    }

    /// Checks the leaves of a JSON `data` array against the datatype.
    private static func typed(_ data: RequestReader.TensorData, datatype: Datatype, name: String) throws(ServeError) -> InputTensor.Values {
        if datatype == .bytes {
            let got = data.sawNumber ? "a number" : data.sawBool ? "a boolean" : data.other
            if let got { throw .badRequest("input \"\(name)\": BYTES data must be strings, got \(got)") }
            return .strings(data.strings)
        }
        if datatype == .bool {
            if let d = data.firstNumber { throw .badRequest("input \"\(name)\": BOOL data must be true or false, got \(JSON.format(d))") }
            let got = data.sawString ? "a string" : data.other
            if let got { throw .badRequest("input \"\(name)\": BOOL data must be true or false, got \(got)") }
            return .numbers(data.numbers)
        }
        let got = data.sawBool ? "a boolean" : data.sawString ? "a string" : data.other
        if let got { throw .badRequest("input \"\(name)\": \(datatype.rawValue) data must be numbers, got \(got)") }
        var numbers = data.numbers
        if datatype.isInteger {
            let range = datatype.integerRange
            if let d = numbers.first(where: { $0 != $0.rounded() || !range.contains($0) }) {
                throw .badRequest("input \"\(name)\": \(JSON.format(d)) is not a valid \(datatype.rawValue) value")
            }
        } else if datatype == .fp32 {
            for i in numbers.indices {
                let f = Float(numbers[i])
                guard f.isFinite else {
                    throw .badRequest("input \"\(name)\": \(JSON.format(numbers[i])) is out of the range of \(datatype.rawValue); send it as FP64")
                }
                numbers[i] = Double(f)
            }
        }
        return .numbers(numbers)
    }
}
