extension CSVReader {
    /// Reads one span of data rows, writing row r of a numeric column c to `columns[c][r]`. Every
    /// column starts as numbers; one that meets text after only missing cells becomes a text column
    /// (its earlier cells `nil`), one that meets text after a number is an error.
    ///
    /// The hot path (``readNumbers(_:from:to:row:width:plain:into:)``) reads the plain numbers that
    /// start a row in one tight loop, each in the same pass that finds where its field ends (no copy,
    /// no allocation, no second look at its bytes). The fields it leaves are delimited first, and only
    /// quoted ones are copied, to undo the quoting.
    /// - Precondition: `columns` has one buffer per name, each with room for `span.capacity` rows.
    static func readRows(_ base: UnsafePointer<UInt8>, span: RowRange, names: [String],
                         into columns: [UnsafeMutablePointer<Double>]) throws(CSVError) -> Chunk {
        let width = names.count
        let end = span.end
        var isString = [Bool](repeating: false, count: width)
        var strings = [[String?]](repeating: [], count: width)
        // Per column: line and text of the first numeric cell, and the first text cell. A numeric
        // column is plain (open to the hot path) once it has its first number.
        let plain = UnsafeMutablePointer<Bool>.allocate(capacity: max(1, width))
        plain.initialize(repeating: false, count: width)
        defer { plain.deallocate() }
        let destinations = UnsafeMutablePointer<UnsafeMutablePointer<Double>>.allocate(capacity: max(1, width))
        destinations.initialize(from: columns, count: width)
        defer { destinations.deallocate() }
        var firstNumber = [(line: Int, text: String)?](repeating: nil, count: width)
        var firstText = [String?](repeating: nil, count: width)
        var rows = 0
        var index = span.start
        var line = span.line
        var quoted: [UInt8] = []
        while index < end {
            let recordLine = line
            // A blank line is skipped.
            if base[index] == 0x0A || base[index] == 0x0D {
                if base[index] == 0x0D, index + 1 < end, base[index + 1] == 0x0A { index += 1 }
                index += 1
                line += 1
                continue
            }
            precondition(rows < span.capacity, "more records than line ends")
            var column = 0
            (index, column) = readNumbers(base, from: index, to: end, row: rows, width: width, plain: plain, into: destinations)
            // The fields it left, one by one (a field always starts before `end`).
            if column < width {
                while true {
                    // One field: [fieldStart, fieldEnd) of the buffer, or the unquoted copy.
                    let fieldStart = index
                    var fieldEnd = index
                    var isQuoted = false
                    if base[index] == UInt8(ascii: "\"") {
                        isQuoted = true
                        quoted.removeAll(keepingCapacity: true)
                        let openLine = line
                        index += 1
                        while true {
                            guard index < end else { throw CSVError(message: "a quoted field opened here is never closed", line: openLine) }
                            let b = base[index]
                            if b == UInt8(ascii: "\"") {
                                if index + 1 < end, base[index + 1] == UInt8(ascii: "\"") { quoted.append(b); index += 2; continue }
                                index += 1
                                break
                            }
                            if b == 0x0A { line += 1 }
                            quoted.append(b)
                            index += 1
                        }
                        if index < end, base[index] != UInt8(ascii: ","), base[index] != 0x0A, base[index] != 0x0D {
                            throw CSVError(message: "unexpected character after a quoted field", line: line)
                        }
                    } else {
                        while index < end {
                            let b = base[index]
                            if b == UInt8(ascii: ",") || b == 0x0A || b == 0x0D { break }
                            index += 1
                        }
                        fieldEnd = index
                    }
                    if column < width {
                        let field: ArraySlice<UInt8>? = isQuoted ? quoted[...] : nil
                        let bytes = field ?? ArraySlice(UnsafeBufferPointer(start: base + fieldStart, count: fieldEnd - fieldStart))
                        if isString[column] {
                            if isMissing(bytes) {
                                strings[column].append(nil)
                            } else {
                                let text = String(decoding: bytes, as: UTF8.self)
                                let number = parseNumber(bytes) != nil
                                if firstNumber[column] == nil, number { firstNumber[column] = (recordLine, text) }
                                if firstText[column] == nil, !number { firstText[column] = text }
                                strings[column].append(text)
                            }
                        } else if isMissing(bytes) {
                            destinations[column][rows] = .nan
                        } else if let value = parseNumber(bytes) {
                            if !plain[column] {
                                plain[column] = true
                                firstNumber[column] = (recordLine, String(decoding: bytes, as: UTF8.self))
                            }
                            destinations[column][rows] = value
                        } else {
                            // A ragged row misplaces its values: report the row, not the value.
                            let fields = column + 1 + remainingFields(base, from: index, to: end)
                            if fields != width {
                                throw CSVError(message: "row has \(fields) fields but the header has \(width)", line: recordLine)
                            }
                            let text = String(decoding: bytes, as: UTF8.self)
                            if let first = firstNumber[column] {
                                throw CSVError(
                                    message: "column \"\(names[column])\" holds the non-numeric value \"\(text)\" but numbers elsewhere (e.g. \"\(first.text)\" on line \(first.line)); fix the value or leave the cell empty for a missing value",
                                    line: recordLine)
                            }
                            // Only missing cells so far: a text column, whose earlier cells are missing.
                            strings[column] = [String?](repeating: nil, count: rows)
                            isString[column] = true
                            firstText[column] = text
                            strings[column].append(text)
                        }
                    }
                    column += 1
                    if index < end, base[index] == UInt8(ascii: ",") {
                        index += 1
                        if index == end || base[index] == 0x0A || base[index] == 0x0D {
                            // A trailing empty field.
                            if column < width { if isString[column] { strings[column].append(nil) } else { destinations[column][rows] = .nan } }
                            column += 1
                        } else {
                            continue
                        }
                    }
                    break
                }
            }
            // End of the record.
            if index < end {
                if base[index] == 0x0D { index += 1 }
                if index < end, base[index] == 0x0A { index += 1 }
                line += 1
            }
            guard column == width else {
                throw CSVError(message: "row has \(column) fields but the header has \(width)", line: recordLine)
            }
            rows += 1
        }
        return Chunk(isString: isString, strings: strings, rows: rows, firstNumber: firstNumber, firstText: firstText)
    }

    /// The hot path of ``readRows(_:span:names:into:)``: from the first field of row `row` at `start`,
    /// reads the fields that are plain numbers of plain columns into `columns[c][row]`, each followed
    /// by a comma and another field, or (the last column) by a line end or `end`.
    ///
    /// - Returns: where it stopped: at the start of the first field it left, the column of that
    ///   field; or at the line end after the last field and `width`.
    @inline(__always)
    private static func readNumbers(_ base: UnsafePointer<UInt8>, from start: Int, to end: Int, row: Int, width: Int,
                                    plain: UnsafePointer<Bool>, into columns: UnsafePointer<UnsafeMutablePointer<Double>>)
        -> (index: Int, column: Int) {
        var index = start
        for c in 0..<width {
            guard plain[c], let (value, next) = FastDouble.prefix(base, from: index, to: end) else { return (index, c) }
            if c + 1 < width {
                // A comma, then a field that starts before `end` and is not a trailing empty one.
                guard next + 1 < end, base[next] == UInt8(ascii: ","), base[next + 1] != 0x0A, base[next + 1] != 0x0D else { return (index, c) }
                columns[c][row] = value
                index = next + 1
            } else {
                guard next == end || base[next] == 0x0A || base[next] == 0x0D else { return (index, c) }
                columns[c][row] = value
                index = next
            }
        }
        return (index, width)
    }

    /// How many more fields the record holds after position `index` (at a separator or line end).
    private static func remainingFields(_ base: UnsafePointer<UInt8>, from index: Int, to end: Int) -> Int {
        var count = 0, i = index, inQuotes = false
        while i < end {
            let b = base[i]
            if b == UInt8(ascii: "\"") { inQuotes.toggle() }
            else if !inQuotes {
                if b == UInt8(ascii: ",") { count += 1 } else if b == 0x0A || b == 0x0D { break }
            }
            i += 1
        }
        return count
    }
}
