import ArgumentParser

/// Parses a size option (`--monitor-max-bytes 1GiB`) for `@Option(transform:)`: a whole number of bytes,
/// optionally with a binary unit (KiB, MiB, GiB, TiB).
enum ByteSize {
    static let units: [(suffix: String, bytes: Int)] = [("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30), ("TiB", 1 << 40), ("B", 1)]

    static func bytes(_ text: String) throws -> Int {
        var number = Substring(text)
        var scale = 1
        for unit in units where text.hasSuffix(unit.suffix) {
            number = number.dropLast(unit.suffix.count)
            scale = unit.bytes
            break
        }
        guard !number.isEmpty, number.allSatisfy(\.isASCII), let n = Int(number), n > 0 else {
            throw ValidationError("\"\(text)\" is not a size; give a positive whole number of bytes, or one with KiB, MiB, GiB or TiB (e.g. 1GiB)")
        }
        let (total, overflow) = n.multipliedReportingOverflow(by: scale)
        guard !overflow else { throw ValidationError("\"\(text)\" is too large a size") }
        return total
    }
}
