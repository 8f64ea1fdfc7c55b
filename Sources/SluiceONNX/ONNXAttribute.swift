/// A node attribute (ONNX `AttributeProto`).
public struct ONNXAttribute: Sendable, Equatable {
    /// The attribute's value and so its `AttributeType`.
    public enum Value: Sendable, Equatable {
        case int(Int64)
        case string(String)
        case tensor(ONNXTensor)
        case ints([Int64])
        case strings([String])

        /// `AttributeProto.AttributeType`.
        var type: Int64 {
            switch self {
            case .int: 2
            case .string: 3
            case .tensor: 4
            case .ints: 7
            case .strings: 8
            }
        }
    }

    public var name: String
    public var value: Value

    public init(_ name: String, _ value: Value) {
        self.name = name
        self.value = value
    }

    /// Writes name (1), i (3) / s (4) / t (5) / ints (8, unpacked as in onnx.proto) / strings (9),
    /// then type (20).
    public func encode(into w: inout ProtoWriter) {
        w.string(1, name)
        switch value {
        case .int(let i): w.int(3, i)
        case .string(let s): w.data(4, Array(s.utf8))
        case .tensor(let t): w.message(5) { t.encode(into: &$0) }
        case .ints(let v): for i in v { w.int(8, i) }
        case .strings(let v): for s in v { w.data(9, Array(s.utf8)) }
        }
        w.int(20, value.type)
    }
}
