/// A constant tensor (ONNX `TensorProto`): an initializer of the graph or a tensor attribute.
public struct ONNXTensor: Sendable, Equatable {
    /// The element type and the values, row-major.
    public enum Values: Sendable, Equatable {
        case doubles([Double])
        case int64s([Int64])
        /// Stored in `int32_data`, as ONNX stores 8-bit types.
        case uint8s([UInt8])
        case strings([String])
    }

    public var name: String
    public var dims: [Int64]
    public var values: Values

    /// A tensor called `name` (empty for an attribute's tensor) of shape `dims` (empty for a scalar).
    public init(name: String = "", dims: [Int64], values: Values) {
        self.name = name
        self.dims = dims
        self.values = values
    }

    /// The ONNX `TensorProto.DataType` of the values.
    public var dataType: ONNXElementType {
        switch values {
        case .doubles: .double
        case .int64s: .int64
        case .uint8s: .uint8
        case .strings: .string
        }
    }

    /// Writes the `TensorProto` fields in field-number order: dims (1, unpacked as in onnx.proto),
    /// data_type (2), int32_data (5) / string_data (6) / int64_data (7), name (8), double_data (10).
    public func encode(into w: inout ProtoWriter) {
        for d in dims { w.int(1, d) }
        w.int(2, Int64(dataType.rawValue))
        switch values {
        case .uint8s(let v): w.packedInts(5, v.map(Int64.init))
        case .strings(let v): for s in v { w.data(6, Array(s.utf8)) }
        case .int64s(let v): w.packedInts(7, v)
        case .doubles: break
        }
        if !name.isEmpty { w.string(8, name) }
        if case .doubles(let v) = values { w.packedDoubles(10, v) }
    }
}

/// The ONNX element types the exporter uses (`TensorProto.DataType`).
public enum ONNXElementType: Int, Sendable {
    case uint8 = 2, int64 = 7, string = 8, bool = 9, double = 11
}
