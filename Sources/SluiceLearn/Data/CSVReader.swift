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
            passes += 1
            return try read(buffer, spans: spans(buffer, from: scanner.index, line: scanner.line), names: names)
        }
    }

    /// One parsed span of rows. Its numeric cells are in the frame's columns already.
    struct Chunk: Sendable {
        /// Per column, whether it met text in this span (its cells are then in `strings`).
        var isString: [Bool]
        var strings: [[String?]]
        var rows: Int
        /// Per column, the first numeric cell (line, text) and the first text cell.
        var firstNumber: [(line: Int, text: String)?]
        var firstText: [String?]
    }

    /// The numeric columns' buffers, each at the first row of one span, shared with the span's reader.
    private struct Destinations: @unchecked Sendable {
        let columns: [UnsafeMutablePointer<Double>]
    }

    /// Reads the spans on all cores, each straight into the frame's numeric columns at an offset
    /// (its upper bound of rows after the earlier spans' bounds), then closes the gaps that blank
    /// lines left, and joins the text columns.
    ///
    /// A column is text when it met text in any span; it must then hold no numbers in any span, and
    /// where a span read it as numbers (all missing) its cells are `nil`.
    private static func read(_ buffer: UnsafeBufferPointer<UInt8>, spans: [RowRange], names: [String]) throws(CSVError) -> DataFrame {
        let width = names.count
        var offsets: [Int] = []
        var capacity = 0
        for span in spans {
            offsets.append(capacity)
            capacity += span.capacity
        }
        var chunks: [Chunk] = []
        var failure: CSVError?
        var isString = [Bool](repeating: false, count: width)
        let shared = SharedBytes(pointer: buffer.baseAddress!)
        let numeric = CSVColumnStorage.make(width: width, capacity: capacity) { pointers in
            let destinations = (0..<spans.count).map { k in Destinations(columns: pointers.map { $0 + offsets[k] }) }
            let results = concurrentMap(spans.count) { k in
                Result<Chunk, CSVError> { () throws(CSVError) -> Chunk in
                    try readRows(shared.pointer, span: spans[k], names: names, into: destinations[k].columns)
                }
            }
            for result in results {
                switch result {
                case .failure(let error):
                    failure = error
                    return CSVColumnStorage.Filled(rows: 0, keep: isString.map { _ in false })
                case .success(let chunk): chunks.append(chunk)
                }
            }
            for c in 0..<width { isString[c] = chunks.contains { $0.isString[c] } }
            // Blank lines leave a span fewer rows than its bound: move the later rows up.
            var rows = 0
            for k in chunks.indices {
                if offsets[k] != rows {
                    for c in 0..<width where !isString[c] {
                        (pointers[c] + rows).update(from: pointers[c] + offsets[k], count: chunks[k].rows)
                    }
                }
                rows += chunks[k].rows
            }
            return CSVColumnStorage.Filled(rows: rows, keep: isString.map { !$0 })
        }
        if let failure { throw failure }
        return try merge(&chunks, numeric: numeric, isString: isString, names: names)
    }

    /// Joins the chunks' text columns in order and checks that none holds numbers in another chunk.
    /// Each chunk's column is released as soon as it is copied.
    private static func merge(_ chunks: inout [Chunk], numeric: [[Double]], isString: [Bool], names: [String]) throws(CSVError) -> DataFrame {
        let rows = chunks.reduce(0) { $0 + $1.rows }
        if rows == 0 { throw CSVError(message: "the file has a header row but no data rows", line: nil) }
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
                        joined += repeatElement(nil, count: chunks[k].rows)
                    }
                }
                columns.append(DataFrame.Column(name: name, storage: .string(joined)))
            } else {
                columns.append(DataFrame.Column(name: name, storage: .numeric(numeric[c])))
            }
        }
        return DataFrame(columns: columns)
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
