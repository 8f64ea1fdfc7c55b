import Testing
import SluiceONNX

/// The protobuf encoding, against bytes worked out by hand from the wire format (and checked with
/// Python's protobuf: onnx.TensorProto / onnx.ValueInfoProto parse and re-serialise them unchanged).
@Suite struct ProtoWriterTests {
    @Test func varintsUseSevenBitsPerByteLowGroupFirst() {
        let cases: [(UInt64, [UInt8])] = [(0, [0x00]), (1, [0x01]), (127, [0x7F]), (128, [0x80, 0x01]), (300, [0xAC, 0x02]),
                                          (UInt64.max, [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01])]
        for (value, bytes) in cases {
            var w = ProtoWriter()
            w.varint(value)
            #expect(w.bytes == bytes, "\(value)")
        }
    }

    @Test func negativeIntegersTakeTenBytesOfTwosComplement() {
        var w = ProtoWriter()
        w.int(1, -1)
        #expect(w.bytes == [0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01])
        var two = ProtoWriter()
        two.int(3, -2)
        #expect(two.bytes == [0x18, 0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01])
    }

    @Test func fieldNumbersAboveFifteenTakeATwoByteKey() {
        var w = ProtoWriter()
        w.int(20, 4)  // AttributeProto.type = TENSOR
        #expect(w.bytes == [0xA0, 0x01, 0x04])
    }

    @Test func stringsAreLengthDelimitedUTF8() {
        var w = ProtoWriter()
        w.string(2, "hé")
        #expect(w.bytes == [0x12, 0x03, 0x68, 0xC3, 0xA9])
    }

    @Test func packedDoublesAreLittleEndianIEEE754() {
        var w = ProtoWriter()
        w.packedDoubles(10, [1.0, -2.5])
        #expect(w.bytes == [0x52, 0x10, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F, 0, 0, 0, 0, 0, 0, 0x04, 0xC0])
        var empty = ProtoWriter()
        empty.packedDoubles(10, [])
        #expect(empty.bytes.isEmpty, "an empty packed field is left out, as protobuf does")
    }

    @Test func packedIntegersAreVarintsBehindOneLength() {
        var w = ProtoWriter()
        w.packedInts(7, [1, 300, -1])
        #expect(w.bytes == [0x3A, 0x0D, 0x01, 0xAC, 0x02, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01])
    }

    @Test func aDoubleTensorWritesItsFieldsInFieldNumberOrder() {
        var w = ProtoWriter()
        ONNXTensor(name: "t", dims: [2], values: .doubles([1, 2])).encode(into: &w)
        // dims (1) = 2, data_type (2) = DOUBLE 11, name (8) = "t", double_data (10) packed.
        #expect(w.bytes == [0x08, 0x02, 0x10, 0x0B, 0x42, 0x01, 0x74, 0x52, 0x10,
                            0, 0, 0, 0, 0, 0, 0xF0, 0x3F, 0, 0, 0, 0, 0, 0, 0x00, 0x40])
    }

    @Test func aStringTensorWritesOneStringDataFieldPerValue() {
        var w = ProtoWriter()
        ONNXTensor(dims: [2], values: .strings(["a", ""])).encode(into: &w)
        #expect(w.bytes == [0x08, 0x02, 0x10, 0x08, 0x32, 0x01, 0x61, 0x32, 0x00])
    }

    @Test func aValueInfoNestsTypeTensorShapeAndDimensions() {
        var w = ProtoWriter()
        ONNXValueInfo(name: "x", type: .double, shape: [.param("N"), .value(1)]).encode(into: &w)
        #expect(w.bytes == [0x0A, 0x01, 0x78, 0x12, 0x0F, 0x0A, 0x0D, 0x08, 0x0B, 0x12, 0x09,
                            0x0A, 0x03, 0x12, 0x01, 0x4E, 0x0A, 0x02, 0x08, 0x01])
    }

    @Test func anAttributeWritesItsTypeLast() {
        var w = ProtoWriter()
        ONNXAttribute("ids", .ints([0, 2])).encode(into: &w)
        // name (1), ints (8, unpacked as onnx.proto declares them), type (20) = INTS 7.
        #expect(w.bytes == [0x0A, 0x03, 0x69, 0x64, 0x73, 0x40, 0x00, 0x40, 0x02, 0xA0, 0x01, 0x07])
    }
}
