import SluiceLearn

/// The `config.pbtxt` with which Triton Inference Server (and KServe's Triton runtime) serves
/// an exported model from `NAME/config.pbtxt` + `NAME/1/model.onnx`: the ONNX Runtime backend,
/// no server-side batching (`max_batch_size: 0`, the batch is the `-1` first dimension), and the
/// inputs and outputs of ``ONNXExporter/inputs(_:)`` and ``ONNXExporter/outputs(_:)`` with
/// Triton's types (`TYPE_FP64`, `TYPE_STRING`).
public enum TritonConfig {
    /// The text of `config.pbtxt` for `artifact`, the model called `name`.
    public static func text(_ artifact: ModelArtifact, name: String) -> String {
        var lines = ["name: \(quoted(name))", "platform: \"onnxruntime_onnx\"", "max_batch_size: 0"]
        lines += section("input", ONNXExporter.inputs(artifact.encoder))
        lines += section("output", ONNXExporter.outputs(artifact))
        return lines.joined(separator: "\n") + "\n"
    }

    private static func section(_ kind: String, _ values: [ONNXValueInfo]) -> [String] {
        var lines = ["\(kind) ["]
        for (i, v) in values.enumerated() {
            let dims = v.shape.map { d in if case .value(let n) = d { String(n) } else { "-1" } }
            lines += ["  {", "    name: \(quoted(v.name))", "    data_type: \(type(v.type))", "    dims: [ \(dims.joined(separator: ", ")) ]",
                      i == values.count - 1 ? "  }" : "  },"]
        }
        return lines + ["]"]
    }

    private static func type(_ t: ONNXElementType) -> String {
        switch t {
        case .double: "TYPE_FP64"
        case .string: "TYPE_STRING"
        case .int64: "TYPE_INT64"
        case .uint8: "TYPE_UINT8"
        case .bool: "TYPE_BOOL"
        }
    }

    /// A protobuf text-format string literal.
    static func quoted(_ s: String) -> String {
        var out = "\""
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""): out += "\\\""
            case UInt8(ascii: "\\"): out += "\\\\"
            case UInt8(ascii: "\n"): out += "\\n"
            case 0x20..<0x7f: out.unicodeScalars.append(Unicode.Scalar(b))
            default: out += "\\" + String(b, radix: 8).leftPadded(to: 3)
            }
        }
        return out + "\""
    }
}

private extension String {
    func leftPadded(to n: Int) -> String { String(repeating: "0", count: max(0, n - count)) + self }
}
