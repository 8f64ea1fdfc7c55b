import CLibPQ
import Foundation

/// The rows of a statement, copied out of libpq's result (text format) at once.
struct PGResult: Sendable {
    /// Column names, in order.
    let columns: [String]
    /// Cells as PostgreSQL's text output (`nil`: SQL NULL).
    let cells: [[String?]]
    /// Rows the statement changed (`UPDATE`, `DELETE`, `INSERT`), 0 for others.
    let changed: Int

    /// Copies `result` and frees it.
    init(_ result: OpaquePointer) {
        defer { PQclear(result) }
        let n = PQnfields(result)
        columns = (0..<n).map { String(cString: PQfname(result, $0)) }
        cells = (0..<PQntuples(result)).map { row in
            (0..<n).map { col in
                PQgetisnull(result, row, col) == 1 ? nil : String(cString: PQgetvalue(result, row, col))
            }
        }
        changed = Int(String(cString: PQcmdTuples(result))) ?? 0
    }

    var rows: [PGRow] {
        let index = Dictionary(columns.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        return cells.map { PGRow(index: index, cells: $0) }
    }
}

/// One row, read by column name with the type the caller expects.
/// A cell that does not read as that type is a ``StoreError`` naming the column and the value.
struct PGRow {
    let index: [String: Int]
    let cells: [String?]

    func optionalString(_ name: String) throws -> String? {
        guard let i = index[name] else { throw StoreError("the PostgreSQL store's result has no column \(name)") }
        return cells[i]
    }

    func string(_ name: String) throws -> String {
        guard let s = try optionalString(name) else { throw StoreError("the PostgreSQL store's column \(name) is NULL where a value is required") }
        return s
    }

    func optionalDouble(_ name: String) throws -> Double? {
        guard let s = try optionalString(name) else { return nil }
        guard let d = Double(s) ?? PGRow.special(s) else { throw StoreError("the PostgreSQL store's column \(name) holds \"\(s)\", not a number") }
        return d
    }

    func double(_ name: String) throws -> Double {
        guard let d = try optionalDouble(name) else { throw StoreError("the PostgreSQL store's column \(name) is NULL where a number is required") }
        return d
    }

    func date(_ name: String) throws -> Date { Date(timeIntervalSince1970: try double(name)) }
    func optionalDate(_ name: String) throws -> Date? { try optionalDouble(name).map(Date.init(timeIntervalSince1970:)) }

    func int64(_ name: String) throws -> Int64 {
        let s = try string(name)
        guard let i = Int64(s) else { throw StoreError("the PostgreSQL store's column \(name) holds \"\(s)\", not an integer") }
        return i
    }

    func int(_ name: String) throws -> Int { Int(try int64(name)) }

    func bool(_ name: String) throws -> Bool {
        switch try string(name) {
        case "t", "true": return true
        case "f", "false": return false
        case let s: throw StoreError("the PostgreSQL store's column \(name) holds \"\(s)\", not a boolean")
        }
    }

    /// A `bytea` cell, which the text format gives as `\x` and hex digits.
    func bytes(_ name: String) throws -> [UInt8] {
        let s = try string(name)
        guard s.hasPrefix("\\x"), let bytes = PGRow.hex(s.utf8.dropFirst(2)) else {
            throw StoreError("the PostgreSQL store's column \(name) is not bytea in hex form (set bytea_output to 'hex')")
        }
        return bytes
    }

    private static func hex(_ digits: Substring.UTF8View) -> [UInt8]? {
        guard digits.count % 2 == 0 else { return nil }
        func value(_ c: UInt8) -> UInt8? {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(digits.count / 2)
        var high: UInt8?
        for c in digits {
            guard let v = value(c) else { return nil }
            if let h = high {
                out.append(h << 4 | v)
                high = nil
            } else {
                high = v
            }
        }
        return out
    }

    /// PostgreSQL's spellings of the values Swift's `Double(_:)` does not read.
    private static func special(_ s: String) -> Double? {
        switch s {
        case "Infinity": .infinity
        case "-Infinity": -.infinity
        case "NaN": .nan
        default: nil
        }
    }
}
