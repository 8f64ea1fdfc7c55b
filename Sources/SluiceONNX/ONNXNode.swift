/// One operator application (ONNX `NodeProto`).
public struct ONNXNode: Sendable, Equatable {
    public var inputs: [String]
    public var outputs: [String]
    public var opType: String
    /// `""` for the standard operators, `ai.onnx.ml` for the traditional-ML ones.
    public var domain: String
    public var attributes: [ONNXAttribute]

    public init(_ opType: String, inputs: [String], outputs: [String], domain: String = "", attributes: [ONNXAttribute] = []) {
        self.opType = opType
        self.inputs = inputs
        self.outputs = outputs
        self.domain = domain
        self.attributes = attributes
    }

    /// Writes input (1), output (2), op_type (4), attribute (5), domain (7, only when not the default).
    public func encode(into w: inout ProtoWriter) {
        for i in inputs { w.string(1, i) }
        for o in outputs { w.string(2, o) }
        w.string(4, opType)
        for a in attributes { w.message(5) { a.encode(into: &$0) } }
        if !domain.isEmpty { w.string(7, domain) }
    }
}
