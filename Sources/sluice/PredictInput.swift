import Foundation
import SluiceCore
import SluiceLearn

/// Reads prediction input: CSV with a header, or JSON objects.
enum PredictInput {
    static func rows(_ bytes: [UInt8]) throws -> [[String: JSON]] {
        let first = bytes.first { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }
        if first == UInt8(ascii: "{") || first == UInt8(ascii: "[") {
            let value = try JSONParser.parse(bytes).value
            switch value {
            case .object(let o): return [o]
            case .array(let items):
                return try items.enumerated().map { i, item in
                    guard let o = item.objectValue else { throw LearnError("row \(i + 1) is not an object of feature name → value") }
                    return o
                }
            default: throw LearnError("expected an object or an array of objects")
            }
        }
        let frame = try CSVReader.parse(bytes)
        return (0..<frame.rowCount).map { r in
            Dictionary(uniqueKeysWithValues: frame.columns.map { c -> (String, JSON) in
                switch c.storage {
                case .numeric(let v): return (c.name, v[r].isNaN ? .null : .number(v[r]))
                case .string(let v): return (c.name, v[r].map(JSON.string) ?? .null)
                }
            })
        }
    }
}
