/// A graph input or output: its name, element type and shape (ONNX `ValueInfoProto` with a
/// tensor `TypeProto`).
public struct ONNXValueInfo: Sendable, Equatable {
    /// One dimension: a fixed size, or a symbolic one such as the batch size `N`.
    public enum Dim: Sendable, Equatable {
        case value(Int64)
        case param(String)
    }

    public var name: String
    public var type: ONNXElementType
    public var shape: [Dim]

    public init(name: String, type: ONNXElementType, shape: [Dim]) {
        self.name = name
        self.type = type
        self.shape = shape
    }

    /// Writes name (1) and type (2): `TypeProto.tensor_type` (1) with elem_type (1) and shape (2),
    /// each `Dimension` as dim_value (1) or dim_param (2).
    public func encode(into w: inout ProtoWriter) {
        w.string(1, name)
        w.message(2) { type in
            type.message(1) { tensor in
                tensor.int(1, Int64(self.type.rawValue))
                tensor.message(2) { shape in
                    for d in self.shape {
                        shape.message(1) { dim in
                            switch d {
                            case .value(let v): dim.int(1, v)
                            case .param(let p): dim.string(2, p)
                            }
                        }
                    }
                }
            }
        }
    }
}
