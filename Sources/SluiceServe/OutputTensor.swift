import SluiceCore

/// One output tensor of a response.
struct OutputTensor {
    enum Values {
        case fp64([Double])
        case int64([Int64])
        case bytes([String])
    }

    var name: String
    var shape: [Int]
    var binary: Bool
    var values: Values

    var datatype: String {
        switch values {
        case .fp64: "FP64"
        case .int64: "INT64"
        case .bytes: "BYTES"
        }
    }

    /// The raw little-endian bytes of the binary tensor extension.
    var binaryData: [UInt8] {
        var out: [UInt8] = []
        switch values {
        case .fp64(let v):
            out.reserveCapacity(v.count * 8)
            for d in v { withUnsafeBytes(of: d.bitPattern.littleEndian) { out.append(contentsOf: $0) } }
        case .int64(let v):
            out.reserveCapacity(v.count * 8)
            for i in v { withUnsafeBytes(of: i.littleEndian) { out.append(contentsOf: $0) } }
        case .bytes(let v):
            for s in v {
                withUnsafeBytes(of: UInt32(s.utf8.count).littleEndian) { out.append(contentsOf: $0) }
                out.append(contentsOf: s.utf8)
            }
        }
        return out
    }
}
