/// The tensor element types of the Open Inference Protocol, and how each is laid out in the
/// binary tensor extension (little-endian, row-major, no padding; BYTES elements are a 4-byte
/// length followed by the bytes).
public enum Datatype: String, Sendable, CaseIterable {
    case bool = "BOOL"
    case uint8 = "UINT8", uint16 = "UINT16", uint32 = "UINT32", uint64 = "UINT64"
    case int8 = "INT8", int16 = "INT16", int32 = "INT32", int64 = "INT64"
    case fp16 = "FP16", fp32 = "FP32", fp64 = "FP64"
    case bytes = "BYTES"

    /// Bytes per element in binary form; `nil` for BYTES, whose elements vary in length.
    public var size: Int? {
        switch self {
        case .bool, .uint8, .int8: 1
        case .uint16, .int16, .fp16: 2
        case .uint32, .int32, .fp32: 4
        case .uint64, .int64, .fp64: 8
        case .bytes: nil
        }
    }

    /// Whether the elements are whole numbers.
    public var isInteger: Bool {
        switch self {
        case .uint8, .uint16, .uint32, .uint64, .int8, .int16, .int32, .int64: true
        default: false
        }
    }

    /// The datatype named `name`, or an error listing the known ones.
    static func named(_ name: String, input: String) throws(ServeError) -> Datatype {
        guard let type = Datatype(rawValue: name) else {
            throw .badRequest("input \"\(input)\": unknown datatype \"\(name)\"; expected one of \(Datatype.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return type
    }

    /// Decodes `count` elements of this (fixed-size) type from little-endian bytes.
    func decodeNumbers(_ bytes: ArraySlice<UInt8>, count: Int) -> [Double] {
        var out = [Double](repeating: 0, count: count)
        bytes.withUnsafeBytes { raw in
            switch self {
            case .bool: for i in 0..<count { out[i] = raw[i] != 0 ? 1 : 0 }
            case .uint8: for i in 0..<count { out[i] = Double(raw[i]) }
            case .int8: for i in 0..<count { out[i] = Double(Int8(bitPattern: raw[i])) }
            case .uint16: for i in 0..<count { out[i] = Double(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) }
            case .int16: for i in 0..<count { out[i] = Double(Int16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: Int16.self))) }
            case .uint32: for i in 0..<count { out[i] = Double(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))) }
            case .int32: for i in 0..<count { out[i] = Double(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self))) }
            case .uint64: for i in 0..<count { out[i] = Double(UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self))) }
            case .int64: for i in 0..<count { out[i] = Double(Int64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * i, as: Int64.self))) }
            case .fp16:
                for i in 0..<count {
                    out[i] = Datatype.halfToDouble(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
                }
            case .fp32:
                for i in 0..<count {
                    out[i] = Double(Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))))
                }
            case .fp64:
                for i in 0..<count {
                    out[i] = Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self)))
                }
            case .bytes: break
            }
        }
        return out
    }

    /// IEEE 754 half precision to double, by hand (Float16 is not on every platform).
    static func halfToDouble(_ h: UInt16) -> Double {
        let sign: Double = h & 0x8000 != 0 ? -1 : 1
        let exponent = Int((h >> 10) & 0x1F)
        let fraction = Double(h & 0x3FF)
        switch exponent {
        case 0: return sign * fraction * 0x1p-24
        case 31: return fraction == 0 ? sign * .infinity : .nan
        default: return sign * (1 + fraction / 1024) * Double(sign: .plus, exponent: exponent - 15, significand: 1)
        }
    }

    /// The range a value of this integer type can hold.
    var integerRange: ClosedRange<Double> {
        switch self {
        case .uint8: 0...255
        case .uint16: 0...65_535
        case .uint32: 0...4_294_967_295
        case .uint64: 0...0x1p64
        case .int8: -128...127
        case .int16: -32_768...32_767
        case .int32: -2_147_483_648...2_147_483_647
        default: -0x1p63...0x1p63
        }
    }
}
