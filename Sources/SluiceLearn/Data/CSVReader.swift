#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An error in a CSV file, with the line where it was found.
public struct CSVError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String
    /// 1-based line number in the file, when the problem is on one line.
    public var line: Int?
    public var description: String { line.map { "line \($0): \(message)" } ?? message }
}

/// Reads RFC 4180 CSV: a header row, comma-separated fields, double-quoted fields that may hold
/// commas, quotes (doubled) and line breaks; CRLF or LF line ends.
///
/// A column is numeric when every non-missing cell parses as a number, and a string column when
/// none does. A column that mixes the two is an error naming the first offending cell, because
/// it is almost always a typo in a numeric column. Empty cells, `NA` and `NaN` are missing.
public enum CSVReader {
    /// Parses a whole CSV file.
    /// - Throws: ``CSVError`` for an empty file, a header without rows, ragged rows, an unterminated
    ///   quote, duplicate or empty header names, or a column that mixes numbers and text.
    /// - Complexity: O(n) in the size of the input.
    public static func parse(_ bytes: [UInt8]) throws(CSVError) -> DataFrame {
        try bytes.withUnsafeBufferPointer { buffer throws(CSVError) in
            var start = 0
            if buffer.count >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF { start = 3 }
            var scanner = Scanner(bytes: buffer, index: start)
            guard let header = try scanner.nextRecord(), !(header.count == 1 && header[0].isEmpty) else {
                throw CSVError(message: "the file is empty: expected a header row and data rows", line: nil)
            }
            let names = header.map { String(decoding: $0.bytes, as: UTF8.self).trimmingSpaces }
            var seen = Set<String>()
            for (i, name) in names.enumerated() {
                if name.isEmpty { throw CSVError(message: "header column \(i + 1) has no name", line: 1) }
                if !seen.insert(name).inserted { throw CSVError(message: "header names column \"\(name)\" twice", line: 1) }
            }
            let dataStart = scanner.index
            let dataLine = scanner.line
            var stringColumns = Set<Int>()
            // Parse, assuming numeric columns; a column found to hold text restarts the pass with
            // that column read as strings (at most once per column, usually on the first row).
            while true {
                scanner.index = dataStart
                scanner.line = dataLine
                var restart: Int?
                if let frame = try readRows(&scanner, names: names, stringColumns: stringColumns, restart: &restart) {
                    return frame
                }
                stringColumns.insert(restart!)
            }
        }
    }

    /// Reads the data rows, or returns `nil` with `restart` set to a column that turned out to hold text.
    private static func readRows(_ scanner: inout Scanner, names: [String], stringColumns: Set<Int>, restart: inout Int?) throws(CSVError) -> DataFrame? {
        var numeric = [[Double]](repeating: [], count: names.count)
        var strings = [[String?]](repeating: [], count: names.count)
        // Per column: line and text of the first numeric cell, and whether a text cell was seen.
        var firstNumber = [(line: Int, text: String)?](repeating: nil, count: names.count)
        var firstText = [String?](repeating: nil, count: names.count)
        var rows = 0
        while let record = try scanner.nextRecord() {
            let line = scanner.recordLine
            if record.count == 1, record[0].isEmpty { continue }  // blank line
            guard record.count == names.count else {
                throw CSVError(message: "row has \(record.count) fields but the header has \(names.count)", line: line)
            }
            for (c, field) in record.enumerated() {
                if stringColumns.contains(c) {
                    if isMissing(field.bytes) {
                        strings[c].append(nil)
                    } else {
                        let text = String(decoding: field.bytes, as: UTF8.self)
                        if firstNumber[c] == nil, parseNumber(field.bytes) != nil { firstNumber[c] = (line, text) }
                        if firstText[c] == nil, parseNumber(field.bytes) == nil { firstText[c] = text }
                        strings[c].append(text)
                    }
                    continue
                }
                if isMissing(field.bytes) { numeric[c].append(.nan); continue }
                if let d = parseNumber(field.bytes) {
                    if firstNumber[c] == nil { firstNumber[c] = (line, String(decoding: field.bytes, as: UTF8.self)) }
                    numeric[c].append(d)
                } else {
                    if let first = firstNumber[c] {
                        let text = String(decoding: field.bytes, as: UTF8.self)
                        throw CSVError(
                            message: "column \"\(names[c])\" holds the non-numeric value \"\(text)\" but numbers elsewhere (e.g. \"\(first.text)\" on line \(first.line)); fix the value or leave the cell empty for a missing value",
                            line: line)
                    }
                    restart = c
                    return nil
                }
            }
            rows += 1
        }
        if rows == 0 {
            throw CSVError(message: "the file has a header row but no data rows", line: nil)
        }
        for c in stringColumns {
            if let first = firstNumber[c], let text = firstText[c] {
                throw CSVError(
                    message: "column \"\(names[c])\" mixes text (e.g. \"\(text)\") and numbers (e.g. \"\(first.text)\"); a column must be all numbers or all text",
                    line: first.line)
            }
        }
        let columns = names.enumerated().map { c, name in
            DataFrame.Column(name: name, storage: stringColumns.contains(c) ? .string(strings[c]) : .numeric(numeric[c]))
        }
        return DataFrame(columns: columns)
    }

    static func isMissing(_ field: ArraySlice<UInt8>) -> Bool {
        switch field.count {
        case 0: return true
        case 2: return field.elementsEqual("NA".utf8)
        case 3:
            let lower = field.map { $0 | 0x20 }
            return lower.elementsEqual("nan".utf8)
        default: return field.allSatisfy { $0 == 0x20 }
        }
    }

    /// Parses a decimal number; `nil` when the field is not one. Correctly rounded.
    static func parseNumber(_ field: ArraySlice<UInt8>) -> Double? {
        var s = field
        while let f = s.first, f == 0x20 { s = s.dropFirst() }
        while let l = s.last, l == 0x20 { s = s.dropLast() }
        guard !s.isEmpty else { return nil }
        if let fast = FastDouble.parse(s) { return fast }
        // Slow path (long mantissas, big exponents, inf/nan spellings): validate the shape, then strtod.
        guard s.allSatisfy({ (48...57).contains($0) || $0 == 46 || $0 == 43 || $0 == 45 || $0 == 101 || $0 == 69 }) else { return nil }
        var buffer = Array(s)
        buffer.append(0)
        return buffer.withUnsafeBufferPointer { p -> Double? in
            var end: UnsafeMutablePointer<CChar>?
            let base = UnsafeRawPointer(p.baseAddress!).assumingMemoryBound(to: CChar.self)
            let d = strtod(base, &end)
            guard let end, end == UnsafeMutablePointer(mutating: base) + s.count, d.isFinite else { return nil }
            return d
        }
    }
}

/// A field of a record: its bytes with quoting undone.
struct CSVField {
    var bytes: ArraySlice<UInt8>
    var isEmpty: Bool { bytes.isEmpty }
}

/// Splits a buffer into records and fields.
struct Scanner {
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

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
