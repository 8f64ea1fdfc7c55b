extension CSVReader {
    /// One record of a CSV file: its fields as text (quoting undone, nothing parsed) and the line it began on.
    public struct Record: Sendable, Equatable {
        /// The 1-based line of the file on which the record began.
        public var line: Int
        /// The fields, as written (quoting undone).
        public var fields: [String]
    }

    /// Splits a CSV file into records with the same quoting rules as ``parse(_:)``, without typing the
    /// columns: for files whose cells must stay text (identifiers such as `007`) or whose columns mix
    /// kinds (ground-truth labels). Blank lines are skipped.
    ///
    /// - Returns: every record, the header first.
    /// - Throws: ``CSVError`` with the line of an unterminated quote or of a character after a quoted field.
    /// - Complexity: O(n) in the size of the input.
    public static func records(_ bytes: [UInt8]) throws(CSVError) -> [Record] {
        try bytes.withUnsafeBufferPointer { buffer throws(CSVError) in
            var start = 0
            if buffer.count >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF { start = 3 }
            var scanner = CSVScanner(bytes: buffer, index: start)
            var out: [Record] = []
            while let fields = try scanner.nextRecord() {
                if fields.count == 1 && fields[0].isEmpty { continue }
                out.append(Record(line: scanner.recordLine, fields: fields.map { String(decoding: $0.bytes, as: UTF8.self) }))
            }
            return out
        }
    }

    /// Whether a cell is a missing value as ``parse(_:)`` reads it: empty, spaces, `NA` or `NaN`.
    public static func isMissing(_ cell: String) -> Bool { isMissing(Array(cell.utf8)[...]) }

    /// A cell read as a number as ``parse(_:)`` reads it; `nil` when it is not one.
    public static func number(_ cell: String) -> Double? { parseNumber(Array(cell.utf8)[...]) }
}
