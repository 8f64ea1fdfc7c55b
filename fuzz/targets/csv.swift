// libFuzzer target: SluiceLearn's CSV reader (datasets from the repository or a URL).
//
// Beyond "never traps": a frame that parses has unique, non-empty, trimmed column names, at
// least one row, columns of equal length, and no infinite numbers (missing cells are NaN).
import SluiceLearn

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let frame: DataFrame
    do {
        frame = try CSVReader.parse(bytes)
    } catch {
        precondition(!error.message.isEmpty)
        if let line = error.line {
            let lines = bytes.reduce(1) { $0 + ($1 == 0x0A || $1 == 0x0D ? 1 : 0) }
            precondition(line >= 1 && line <= lines, "error on line \(line) of a file with at most \(lines) lines: \(error)")
        }
        return 0
    }
    precondition(frame.rowCount > 0, "a frame without rows")
    precondition(!frame.columns.isEmpty, "a frame without columns")
    precondition(Set(frame.columnNames).count == frame.columns.count, "duplicate column names \(frame.columnNames)")
    for column in frame.columns {
        precondition(!column.name.isEmpty && column.name.first != " " && column.name.last != " ", "bad name \"\(column.name)\"")
        precondition(column.count == frame.rowCount, "column \(column.name) has \(column.count) rows, the frame \(frame.rowCount)")
        if case .numeric(let values) = column.storage {
            precondition(values.allSatisfy { !$0.isInfinite }, "column \(column.name) holds an infinite number")
        }
    }
    _ = frame.selecting(rows: Array((0..<frame.rowCount).reversed()))
    checkNumbers(bytes, frame)
    return 0
}

/// For files simple enough to split by hand (no quotes, no CR, no byte order mark), every
/// number equals Swift's own reading of its cell and every missing cell is NaN: the reader's fast
/// number path must be exact.
private func checkNumbers(_ bytes: [UInt8], _ frame: DataFrame) {
    guard !bytes.contains(UInt8(ascii: "\"")), !bytes.contains(0x0D), !bytes.starts(with: [0xEF, 0xBB, 0xBF]) else { return }
    let lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: true).dropFirst()
    guard lines.count == frame.rowCount else { return }
    for (r, line) in lines.enumerated() {
        let cells = line.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false)
        guard cells.count == frame.columns.count else { return }
        for (c, column) in frame.columns.enumerated() {
            guard case .numeric(let values) = column.storage else { continue }
            let text = String(decoding: cells[c], as: UTF8.self).trimmingCharacters(of: " ")
            if text.isEmpty || text == "NA" || text.lowercased() == "nan" {
                precondition(values[r].isNaN, "missing cell \"\(text)\" read as \(values[r])")
            } else {
                precondition(Double(text) == values[r], "cell \"\(text)\" read as \(values[r]), Swift reads \(String(describing: Double(text)))")
            }
        }
    }
}

extension String {
    fileprivate func trimmingCharacters(of character: Character) -> String {
        var s = Substring(self)
        while s.first == character { s = s.dropFirst() }
        while s.last == character { s = s.dropLast() }
        return String(s)
    }
}
