/// A whole ONNX model (`ModelProto` with its `GraphProto`), as plain values that encode to the
/// same bytes every time: no timestamps, no random names, fields in field-number order.
public struct ONNXModel: Sendable, Equatable {
    /// The IR version written: 10 (ONNX 1.16) by default, which onnxruntime 1.31 accepts (ONNX
    /// 1.23's own default, 14, it refuses); 8 (ONNX 1.11) with `ai.onnx.ml` opset 3.
    public var irVersion: Int64
    public var producerName = "sluice"
    /// Operator sets imported: domain → version.
    public var opsets: [(domain: String, version: Int64)]
    public var graphName: String
    public var nodes: [ONNXNode]
    public var initializers: [ONNXTensor]
    public var inputs: [ONNXValueInfo]
    public var outputs: [ONNXValueInfo]
    /// `metadata_props`, in the order given.
    public var metadata: [(key: String, value: String)]

    public init(irVersion: Int64 = 10, opsets: [(domain: String, version: Int64)], graphName: String, nodes: [ONNXNode], initializers: [ONNXTensor],
                inputs: [ONNXValueInfo], outputs: [ONNXValueInfo], metadata: [(key: String, value: String)]) {
        self.irVersion = irVersion
        self.opsets = opsets
        self.graphName = graphName
        self.nodes = nodes
        self.initializers = initializers
        self.inputs = inputs
        self.outputs = outputs
        self.metadata = metadata
    }

    public static func == (a: ONNXModel, b: ONNXModel) -> Bool { a.encoded() == b.encoded() }

    /// The `ModelProto` bytes: ir_version (1), producer_name (2), graph (7), opset_import (8),
    /// metadata_props (14).
    public func encoded() -> [UInt8] {
        var w = ProtoWriter()
        w.int(1, irVersion)
        w.string(2, producerName)
        w.message(7) { encodeGraph(into: &$0) }
        for o in opsets {
            w.message(8) { op in
                op.string(1, o.domain)
                op.int(2, o.version)
            }
        }
        for m in metadata {
            w.message(14) { entry in
                entry.string(1, m.key)
                entry.string(2, m.value)
            }
        }
        return w.bytes
    }

    /// The `GraphProto`: node (1), name (2), initializer (5), input (11), output (12).
    private func encodeGraph(into w: inout ProtoWriter) {
        for n in nodes { w.message(1) { n.encode(into: &$0) } }
        w.string(2, graphName)
        for t in initializers { w.message(5) { t.encode(into: &$0) } }
        for i in inputs { w.message(11) { i.encode(into: &$0) } }
        for o in outputs { w.message(12) { o.encode(into: &$0) } }
    }
}
