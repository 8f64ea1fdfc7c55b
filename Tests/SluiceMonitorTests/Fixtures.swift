import Foundation
import SluiceCore

/// The reference values written by Tests/Fixtures/monitor/make.py (numpy, scipy, scikit-learn).
enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The parsed fixtures.json.
    static let json: JSON = {
        let url = root.appendingPathComponent("Tests/Fixtures/monitor/fixtures.json")
        let bytes = try! [UInt8](Data(contentsOf: url))
        return try! JSONParser.parse(bytes).value
    }()

    static func doubles(_ value: JSON?) -> [Double] { value!.arrayValue!.map { $0.doubleValue! } }
    /// Numbers with `null` as NaN (a missing value).
    static func optionalDoubles(_ value: JSON?) -> [Double?] { value!.arrayValue!.map(\.doubleValue) }
    static func ints(_ value: JSON?) -> [Int] { value!.arrayValue!.map { $0.intValue! } }
    static func strings(_ value: JSON?) -> [String] { value!.arrayValue!.map { $0.stringValue! } }
}

/// The tolerance for matching the Python reference values.
let tolerance = 1e-9

func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= tolerance }
func close(_ a: [Double], _ b: [Double]) -> Bool { a.count == b.count && zip(a, b).allSatisfy { close($0, $1) } }

/// A seeded SplitMix64 generator with standard normal draws (Box–Muller), for the property tests.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform draw in (0, 1).
    mutating func unit() -> Double { (Double(next() >> 11) + 0.5) / 9_007_199_254_740_992 }

    /// A standard normal draw.
    mutating func normal() -> Double { (-2 * log(unit())).squareRoot() * cos(2 * Double.pi * unit()) }
}
