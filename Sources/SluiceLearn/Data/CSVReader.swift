import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads RFC 4180 CSV: a header row, comma-separated fields, double-quoted fields that may hold
/// commas, quotes (doubled) and line breaks; CRLF or LF line ends.
///
/// A column is numeric when every non-missing cell parses as a number, and a string column when
/// none does. A column that mixes the two is an error naming the first offending cell, because
/// it is almost always a typo in a numeric column. Empty cells, `NA` and `NaN` are missing.
///
/// The rows are read once: a column is read as numbers until it meets text, and if it has held
/// only missing cells until then it becomes a text column on the spot.
public enum CSVReader {
    /// Parses a whole CSV file.
    /// - Throws: ``CSVError`` for an empty file, a header without rows, ragged rows, an unterminated
    ///   quote, duplicate or empty header names, or a column that mixes numbers and text.
    /// - Complexity: O(n) in the size of the input.
    public static func parse(_ bytes: [UInt8]) throws(CSVError) -> DataFrame {
        var passes = 0
        return try parse(bytes, passes: &passes)
    }

    /// Parses a whole CSV file, counting in `passes` how many times the data rows were read.
    static func parse(_ bytes: [UInt8], passes: inout Int) throws(CSVError) -> DataFrame {
        try bytes.withUnsafeBufferPointer { buffer throws(CSVError) in
            var start = 0
            if buffer.count >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF { start = 3 }
            var scanner = CSVScanner(bytes: buffer, index: start)
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
            // Large files without quotes are cut at line ends into one chunk per core and parsed
            // in parallel (a quote could hide a line end inside a field, so quoted files are read whole).
            var bounds = [(start: dataStart, end: buffer.count, line: dataLine)]
            let cores = max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN)))
            if buffer.count - dataStart > 4 << 20, cores > 1,
               !UnsafeBufferPointer(rebasing: buffer[dataStart...]).contains(UInt8(ascii: "\"")) {
                bounds = []
                var start = dataStart, line = dataLine
                for k in 1...cores {
                    var end = k == cores ? buffer.count : dataStart + (buffer.count - dataStart) * k / cores
                    while end < buffer.count, buffer[end - 1] != 0x0A { end += 1 }
                    if end <= start { continue }
                    bounds.append((start, end, line))
                    for i in start..<end where buffer[i] == 0x0A { line += 1 }
                    start = end
                }
            }
            // One read of the rows: each chunk decides its own text columns, and merging reconciles
            // a column that is text in one chunk and only missing (or numbers: an error) in another.
            passes += 1
            let results = Mutex([Result<Chunk, CSVError>?](repeating: nil, count: bounds.count))
            let base = SendableBuffer(pointer: buffer)
            let ranges = bounds
            DispatchQueue.concurrentPerform(iterations: ranges.count) { k in
                let b = ranges[k]
                let result = Result<Chunk, CSVError> { () throws(CSVError) -> Chunk in
                    try readRows(base.pointer, from: b.start, to: b.end, line: b.line, names: names)
                }
                results.withLock { $0[k] = result }
            }
            // Take the chunks out of the mutex so that each is owned once (and can be freed early).
            var taken = results.withLock { r in
                let all = r
                r = []
                return all
            }
            var chunks: [Chunk] = []
            for k in taken.indices {
                switch taken[k]! {
                case .failure(let error): throw error
                case .success(let chunk): chunks.append(chunk)
                }
                taken[k] = nil
            }
            return try merge(&chunks, names: names)
        }
    }

    /// One parsed range of rows.
    struct Chunk {
        /// Per column, whether it met text in this chunk (its cells are in `strings`, else in `numeric`).
        var isString: [Bool]
        var numeric: [[Double]]
        var strings: [[String?]]
        var rows: Int
        /// Per column, the first numeric cell (line, text) and the first text cell.
        var firstNumber: [(line: Int, text: String)?]
        var firstText: [String?]
    }

    private struct SendableBuffer: @unchecked Sendable {
        let pointer: UnsafeBufferPointer<UInt8>
    }

    /// Joins chunks in order. A column is text when it met text in any chunk; it must then hold no
    /// numbers in any chunk, and where a chunk read it as numbers (all missing) its cells are `nil`.
    /// Each chunk's column is released as soon as it is copied, so joining needs little more memory
    /// than the chunks.
    private static func merge(_ chunks: inout [Chunk], names: [String]) throws(CSVError) -> DataFrame {
        let rows = chunks.reduce(0) { $0 + $1.rows }
        if rows == 0 { throw CSVError(message: "the file has a header row but no data rows", line: nil) }
        let isString = names.indices.map { c in chunks.contains { $0.isString[c] } }
        for c in names.indices where isString[c] {
            if let first = chunks.lazy.compactMap({ $0.firstNumber[c] }).first, let text = chunks.lazy.compactMap({ $0.firstText[c] }).first {
                throw CSVError(
                    message: "column \"\(names[c])\" mixes text (e.g. \"\(text)\") and numbers (e.g. \"\(first.text)\"); a column must be all numbers or all text",
                    line: first.line)
            }
        }
        var columns: [DataFrame.Column] = []
        for (c, name) in names.enumerated() {
            if isString[c] {
                var joined: [String?] = []
                joined.reserveCapacity(rows)
                for k in chunks.indices {
                    if chunks[k].isString[c] {
                        joined += chunks[k].strings[c]
                        chunks[k].strings[c] = []
                    } else {
                        // Only missing cells here (a number would have been an error above).
                        joined += repeatElement(nil, count: chunks[k].numeric[c].count)
                        chunks[k].numeric[c] = []
                    }
                }
                columns.append(DataFrame.Column(name: name, storage: .string(joined)))
            } else {
                var joined: [Double] = []
                joined.reserveCapacity(rows)
                for k in chunks.indices { joined += chunks[k].numeric[c]; chunks[k].numeric[c] = [] }
                columns.append(DataFrame.Column(name: name, storage: .numeric(joined)))
            }
        }
        return DataFrame(columns: columns)
    }

    /// Reads a range of data rows. Every column starts as numbers; one that meets text after only
    /// missing cells becomes a text column (its earlier cells `nil`), one that meets text after a
    /// number is an error.
    ///
    /// The hot path reads unquoted fields straight from the buffer (no copy, no allocation) and
    /// parses numbers in place; only quoted fields are copied, to undo the quoting.
    private static func readRows(_ buffer: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int, line startLine: Int,
                                 names: [String]) throws(CSVError) -> Chunk {
        let width = names.count
        var isString = [Bool](repeating: false, count: width)
        var numeric = [[Double]](repeating: [], count: width)
        var strings = [[String?]](repeating: [], count: width)
        let estimate = max(16, end / max(1, width * 8))
        for c in 0..<width { numeric[c].reserveCapacity(estimate) }
        // Per column: line and text of the first numeric cell, and the first text cell.
        var firstNumber = [(line: Int, text: String)?](repeating: nil, count: width)
        var firstText = [String?](repeating: nil, count: width)
        var rows = 0
        var index = start
        var line = startLine
        var quoted: [UInt8] = []
        while index < end {
            let recordLine = line
            // A blank line is skipped.
            if buffer[index] == 0x0A || buffer[index] == 0x0D {
                if buffer[index] == 0x0D, index + 1 < end, buffer[index + 1] == 0x0A { index += 1 }
                index += 1
                line += 1
                continue
            }
            var column = 0
            while true {
                // One field: [fieldStart, fieldEnd) of the buffer, or the unquoted copy.
                var fieldStart = index, fieldEnd = index
                var isQuoted = false
                if index < end, buffer[index] == UInt8(ascii: "\"") {
                    isQuoted = true
                    quoted.removeAll(keepingCapacity: true)
                    let openLine = line
                    index += 1
                    while true {
                        guard index < end else { throw CSVError(message: "a quoted field opened here is never closed", line: openLine) }
                        let b = buffer[index]
                        if b == UInt8(ascii: "\"") {
                            if index + 1 < end, buffer[index + 1] == UInt8(ascii: "\"") { quoted.append(b); index += 2; continue }
                            index += 1
                            break
                        }
                        if b == 0x0A { line += 1 }
                        quoted.append(b)
                        index += 1
                    }
                    if index < end, buffer[index] != UInt8(ascii: ","), buffer[index] != 0x0A, buffer[index] != 0x0D {
                        throw CSVError(message: "unexpected character after a quoted field", line: line)
                    }
                } else {
                    while index < end {
                        let b = buffer[index]
                        if b == UInt8(ascii: ",") || b == 0x0A || b == 0x0D { break }
                        index += 1
                    }
                    fieldEnd = index
                }
                if column < width {
                    let field: ArraySlice<UInt8>? = isQuoted ? quoted[...] : nil
                    if isString[column] {
                        let bytes = field ?? ArraySlice(UnsafeBufferPointer(rebasing: buffer[fieldStart..<fieldEnd]))
                        if isMissing(bytes) {
                            strings[column].append(nil)
                        } else {
                            let text = String(decoding: bytes, as: UTF8.self)
                            let number = parseNumber(bytes) != nil
                            if firstNumber[column] == nil, number { firstNumber[column] = (recordLine, text) }
                            if firstText[column] == nil, !number { firstText[column] = text }
                            strings[column].append(text)
                        }
                    } else {
                        let value: Double?
                        var missing = false
                        if let field {
                            missing = isMissing(field)
                            value = missing ? nil : parseNumber(field)
                        } else {
                            let slice = UnsafeBufferPointer(rebasing: buffer[fieldStart..<fieldEnd])
                            if let fast = FastDouble.parse(slice) {
                                value = fast
                            } else {
                                let bytes = ArraySlice(slice)
                                missing = isMissing(bytes)
                                value = missing ? nil : parseNumber(bytes)
                            }
                        }
                        if let value {
                            if firstNumber[column] == nil {
                                let bytes = field ?? ArraySlice(UnsafeBufferPointer(rebasing: buffer[fieldStart..<fieldEnd]))
                                firstNumber[column] = (recordLine, String(decoding: bytes, as: UTF8.self))
                            }
                            numeric[column].append(value)
                        } else if missing {
                            numeric[column].append(.nan)
                        } else {
                            let bytes = field ?? ArraySlice(UnsafeBufferPointer(rebasing: buffer[fieldStart..<fieldEnd]))
                            // A ragged row misplaces its values: report the row, not the value.
                            let fields = column + 1 + remainingFields(buffer, from: index, to: end)
                            if fields != width {
                                throw CSVError(message: "row has \(fields) fields but the header has \(width)", line: recordLine)
                            }
                            if let first = firstNumber[column] {
                                let text = String(decoding: bytes, as: UTF8.self)
                                throw CSVError(
                                    message: "column \"\(names[column])\" holds the non-numeric value \"\(text)\" but numbers elsewhere (e.g. \"\(first.text)\" on line \(first.line)); fix the value or leave the cell empty for a missing value",
                                    line: recordLine)
                            }
                            // Only missing cells so far: a text column, whose earlier cells are missing.
                            strings[column] = [String?](repeating: nil, count: numeric[column].count)
                            numeric[column] = []
                            isString[column] = true
                            let text = String(decoding: bytes, as: UTF8.self)
                            firstText[column] = text
                            strings[column].append(text)
                        }
                    }
                }
                column += 1
                if index < end, buffer[index] == UInt8(ascii: ",") {
                    index += 1
                    if index == end || buffer[index] == 0x0A || buffer[index] == 0x0D {
                        // A trailing empty field.
                        if column < width { if isString[column] { strings[column].append(nil) } else { numeric[column].append(.nan) } }
                        column += 1
                    } else {
                        continue
                    }
                }
                // End of the record.
                if index < end {
                    if buffer[index] == 0x0D { index += 1 }
                    if index < end, buffer[index] == 0x0A { index += 1 }
                    line += 1
                }
                break
            }
            guard column == width else {
                throw CSVError(message: "row has \(column) fields but the header has \(width)", line: recordLine)
            }
            rows += 1
        }
        return Chunk(isString: isString, numeric: numeric, strings: strings, rows: rows, firstNumber: firstNumber, firstText: firstText)
    }

    /// How many more fields the record holds after position `index` (at a separator or line end).
    private static func remainingFields(_ buffer: UnsafeBufferPointer<UInt8>, from index: Int, to end: Int) -> Int {
        var count = 0, i = index, inQuotes = false
        while i < end {
            let b = buffer[i]
            if b == UInt8(ascii: "\"") { inQuotes.toggle() }
            else if !inQuotes {
                if b == UInt8(ascii: ",") { count += 1 } else if b == 0x0A || b == 0x0D { break }
            }
            i += 1
        }
        return count
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
