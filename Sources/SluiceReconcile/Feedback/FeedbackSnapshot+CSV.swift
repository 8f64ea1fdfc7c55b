import SluiceCore
import SluiceLearn

extension FeedbackSnapshot {
    /// The canonical bytes: a header line, then one line per row, `\n` line ends, fields quoted
    /// only when they must be (a comma, a quote, a line break, or spaces at either end).
    public func csv() -> [UInt8] {
        var out = ""
        out += (Self.bookkeeping + columns).map(Self.field).joined(separator: ",") + "\n"
        for r in rows {
            let lead = [r.id, String(r.row), Self.number(r.time), r.part.rawValue]
            out += (lead + r.cells).map(Self.field).joined(separator: ",") + "\n"
        }
        return Array(out.utf8)
    }

    /// The digest of ``csv()``: SHA-256, 64 hex characters.
    public var digest: String { SHA256.hex(of: csv()) }

    /// Reads a snapshot from its CSV bytes (as ``csv()`` writes them).
    /// - Throws: ``FeedbackSnapshotError`` naming the line and what is wrong.
    public static func parse(_ bytes: [UInt8]) throws(FeedbackSnapshotError) -> FeedbackSnapshot {
        let records: [CSVReader.Record]
        do { records = try CSVReader.records(bytes) } catch { throw FeedbackSnapshotError("the snapshot is not CSV: \(error)") }
        guard let header = records.first else { throw FeedbackSnapshotError("the snapshot is empty (no header line)") }
        guard header.fields.count > bookkeeping.count, Array(header.fields.prefix(bookkeeping.count)) == bookkeeping else {
            throw FeedbackSnapshotError("the snapshot's header must start with \(bookkeeping.joined(separator: ",")) and name at least one column after them")
        }
        let columns = Array(header.fields.dropFirst(bookkeeping.count))
        var rows: [Row] = []
        rows.reserveCapacity(records.count - 1)
        for record in records.dropFirst() {
            let f = record.fields
            guard f.count == header.fields.count else {
                throw FeedbackSnapshotError("line \(record.line) has \(f.count) fields; the header has \(header.fields.count)")
            }
            guard let row = Int(f[1]), row >= 0 else { throw FeedbackSnapshotError("line \(record.line): sluice.row \"\(f[1])\" is not a row index") }
            guard let time = Double(f[2]), time.isFinite else { throw FeedbackSnapshotError("line \(record.line): sluice.time \"\(f[2])\" is not a time") }
            guard let part = Part(rawValue: f[3]) else { throw FeedbackSnapshotError("line \(record.line): sluice.part \"\(f[3])\" is neither train nor holdout") }
            rows.append(Row(id: f[0], row: row, time: time, part: part, cells: Array(f.dropFirst(bookkeeping.count))))
        }
        return FeedbackSnapshot(columns: columns, rows: rows)
    }

    /// A JSON value (a feature or a label as the server logged it) as a CSV cell: strings as they
    /// are, numbers in canonical JSON form, `null` (and anything else) empty.
    public static func cell(_ value: JSON?) -> String {
        switch value {
        case .string(let s)?: s
        case .number(let n)?: number(n)
        case .bool(let b)?: b ? "true" : "false"
        default: ""
        }
    }

    static func number(_ x: Double) -> String { JSON.number(x).canonical() }

    static func field(_ s: String) -> String {
        // By scalar, not by Character: "\r\n" is one Character, equal to neither "\r" nor "\n".
        let needsQuotes = s.unicodeScalars.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }
            || s.first == " " || s.last == " " || s.first == "\t" || s.last == "\t"
        guard needsQuotes else { return s }
        return "\"" + s.replacing("\"", with: "\"\"") + "\""
    }
}

/// A feedback snapshot that cannot be read or used; the message says which row or column.
public struct FeedbackSnapshotError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
