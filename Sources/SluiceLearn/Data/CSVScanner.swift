/// Splits a buffer into records and fields (of ``CSVReader``).
struct CSVScanner {
    let bytes: UnsafeBufferPointer<UInt8>
    var index: Int
    var line = 1
    /// The line on which the last record returned began.
    var recordLine = 1

    init(bytes: UnsafeBufferPointer<UInt8>, index: Int) {
        self.bytes = bytes
        self.index = index
    }

    mutating func nextRecord() throws(CSVError) -> [CSVField]? {
        guard index < bytes.count else { return nil }
        recordLine = line
        var fields: [CSVField] = []
        while true {
            let field = try nextField()
            fields.append(field)
            if index >= bytes.count { return fields }
            let b = bytes[index]
            if b == UInt8(ascii: ",") { index += 1; if index >= bytes.count { fields.append(CSVField(bytes: [])); return fields }; continue }
            if b == 0x0D { index += 1; if index < bytes.count, bytes[index] == 0x0A { index += 1 } ; line += 1; return fields }
            if b == 0x0A { index += 1; line += 1; return fields }
            throw CSVError(message: "unexpected character after a quoted field", line: line)
        }
    }

    private mutating func nextField() throws(CSVError) -> CSVField {
        if index < bytes.count, bytes[index] == UInt8(ascii: "\"") {
            let startLine = line
            index += 1
            var out: [UInt8] = []
            while true {
                guard index < bytes.count else {
                    throw CSVError(message: "a quoted field opened here is never closed", line: startLine)
                }
                let b = bytes[index]
                if b == UInt8(ascii: "\"") {
                    if index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "\"") {
                        out.append(b)
                        index += 2
                        continue
                    }
                    index += 1
                    return CSVField(bytes: out[...])
                }
                if b == 0x0A { line += 1 }
                out.append(b)
                index += 1
            }
        }
        let start = index
        while index < bytes.count {
            let b = bytes[index]
            if b == UInt8(ascii: ",") || b == 0x0A || b == 0x0D { break }
            index += 1
        }
        return CSVField(bytes: Array(bytes[start..<index])[...])
    }
}
