import Foundation
import SluiceCore
import SluiceLearn

/// A CSV file of ground-truth labels for `sluice feedback import` (pure): one line per label, with the
/// request id it answers, the row of that request (0 when the column is absent or the cell empty) and the
/// truth. Every line is checked before anything is sent.
struct FeedbackFile {
    /// One label, with the line it came from.
    struct Item: Equatable {
        var line: Int
        var id: String
        var row: Int
        var truth: JSON

        /// The item as the feedback endpoint takes it.
        var json: JSON { ["id": .string(id), "row": .number(Double(row)), "truth": truth] }
    }

    /// How a truth cell becomes a JSON value.
    enum TruthKind {
        /// The model's target is numeric: the cell must be a number.
        case number
        /// The model's target is text: the cell is sent as written.
        case text
        /// The model is unknown here: a number when the cell reads as one, else text.
        case guess
    }

    /// The column names (`--id-column`, `--row-column`, `--truth-column`).
    struct Columns {
        var id = "id"
        var row = "row"
        var truth = "truth"
    }

    var items: [Item]

    /// Reads and checks every line of `bytes`.
    /// - Throws: ``FeedbackFileError`` naming the file, the line and the column of the first problem.
    static func parse(_ bytes: [UInt8], file: String, columns: Columns, truth kind: TruthKind) throws(FeedbackFileError) -> FeedbackFile {
        let records: [CSVReader.Record]
        do { records = try CSVReader.records(bytes) } catch {
            throw FeedbackFileError("\(file)\(error.line.map { ":\($0)" } ?? ""): \(error.message)")
        }
        guard let header = records.first else {
            throw FeedbackFileError("\(file): the file is empty; expected a header row (\(columns.id),\(columns.row),\(columns.truth)) and one line per label")
        }
        let names = header.fields.map { $0.trimmingCharacters(in: .whitespaces) }
        func index(_ name: String, option: String) throws(FeedbackFileError) -> Int {
            guard let i = names.firstIndex(of: name) else {
                throw FeedbackFileError("\(file):\(header.line): no column \"\(name)\" in the header (columns: \(names.joined(separator: ", "))); "
                    + "name the column with \(option)")
            }
            return i
        }
        let idIndex = try index(columns.id, option: "--id-column")
        let truthIndex = try index(columns.truth, option: "--truth-column")
        let rowIndex = names.firstIndex(of: columns.row)
        guard records.count > 1 else {
            throw FeedbackFileError("\(file): the file has a header but no labels; add one line per label")
        }
        var items: [Item] = []
        items.reserveCapacity(records.count - 1)
        var seen: [String: [Int: Int]] = [:]
        for record in records.dropFirst() {
            let at = "\(file):\(record.line)"
            guard record.fields.count == names.count else {
                throw FeedbackFileError("\(at): \(record.fields.count) fields but the header has \(names.count)")
            }
            let id = record.fields[idIndex]
            guard !id.isEmpty else {
                throw FeedbackFileError("\(at): column \"\(columns.id)\" is empty; every label needs the id of the request it answers")
            }
            var row = 0
            if let rowIndex {
                let cell = record.fields[rowIndex].trimmingCharacters(in: .whitespaces)
                if !cell.isEmpty {
                    guard let r = Int(cell), r >= 0 else {
                        throw FeedbackFileError("\(at): column \"\(columns.row)\": \(JSON.string(cell).canonical()) is not a row index; "
                            + "expected a whole number from 0 (the row's position in its request), or an empty cell for 0")
                    }
                    row = r
                }
            }
            let cell = record.fields[truthIndex]
            guard !CSVReader.isMissing(cell) else {
                throw FeedbackFileError("\(at): column \"\(columns.truth)\" is empty; every line needs the true label or value")
            }
            let truth: JSON
            switch kind {
            case .number:
                guard let d = CSVReader.number(cell) else {
                    throw FeedbackFileError("\(at): column \"\(columns.truth)\": \(JSON.string(cell).canonical()) is not a number, and the model's target is numeric")
                }
                truth = .number(d)
            case .text: truth = .string(cell)
            case .guess: truth = CSVReader.number(cell).map(JSON.number) ?? .string(cell)
            }
            if let first = seen[id]?[row] {
                throw FeedbackFileError("\(at): id \(JSON.string(id).canonical()) row \(row) is labelled twice (first on line \(first)); keep one label per row")
            }
            seen[id, default: [:]][row] = record.line
            items.append(Item(line: record.line, id: id, row: row, truth: truth))
        }
        return FeedbackFile(items: items)
    }

    /// The items in requests of at most `size` items, in file order.
    func chunks(of size: Int) -> [ArraySlice<Item>] {
        stride(from: 0, to: items.count, by: max(size, 1)).map { items[$0..<min($0 + max(size, 1), items.count)] }
    }
}

/// A feedback file that cannot be sent, with the file, line and column.
struct FeedbackFileError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
