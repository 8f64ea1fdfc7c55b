/// A protocol-buffers encoder for the handful of wire types ONNX uses: varints, 64-bit
/// little-endian doubles and length-delimited fields (strings, bytes, nested messages, packed
/// repeated scalars). It writes exactly what it is told, in the order it is told, so a caller
/// that writes fields in field-number order gets the canonical encoding (the one Python's
/// protobuf writes), and equal messages give equal bytes. No maps, no unknown fields, no groups.
public struct ProtoWriter: Sendable {
    /// The encoded bytes so far.
    public private(set) var bytes: [UInt8] = []

    public init() {}

    /// The wire types used here.
    public enum WireType: UInt64, Sendable {
        case varint = 0, fixed64 = 1, lengthDelimited = 2
    }

    /// Appends `value` as a base-128 varint.
    public mutating func varint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    /// Appends the key of field `field` with wire type `wire`.
    public mutating func tag(_ field: Int, _ wire: WireType) {
        varint(UInt64(field) << 3 | wire.rawValue)
    }

    /// An `int64`/`int32`/enum field: a varint, negative values as ten bytes of two's complement.
    public mutating func int(_ field: Int, _ value: Int64) {
        tag(field, .varint)
        varint(UInt64(bitPattern: value))
    }

    /// A `string` field (UTF-8).
    public mutating func string(_ field: Int, _ value: String) {
        data(field, Array(value.utf8))
    }

    /// A `bytes` field.
    public mutating func data(_ field: Int, _ value: [UInt8]) {
        tag(field, .lengthDelimited)
        varint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    /// A nested message field, whose body `write` encodes.
    public mutating func message(_ field: Int, _ write: (inout ProtoWriter) -> Void) {
        var inner = ProtoWriter()
        write(&inner)
        data(field, inner.bytes)
    }

    /// A packed repeated `double` field; nothing when `values` is empty.
    public mutating func packedDoubles(_ field: Int, _ values: [Double]) {
        guard !values.isEmpty else { return }
        tag(field, .lengthDelimited)
        varint(UInt64(values.count * 8))
        for v in values {
            var bits = v.bitPattern
            for _ in 0..<8 {
                bytes.append(UInt8(truncatingIfNeeded: bits))
                bits >>= 8
            }
        }
    }

    /// A packed repeated `int64`/`int32` field (varints); nothing when `values` is empty.
    public mutating func packedInts(_ field: Int, _ values: [Int64]) {
        guard !values.isEmpty else { return }
        var inner = ProtoWriter()
        for v in values { inner.varint(UInt64(bitPattern: v)) }
        data(field, inner.bytes)
    }
}
