/// Reads a JSON string literal (RFC 8259 §7): escapes, surrogate pairs, UTF-8 validation. Shared
/// by ``JSONParser`` and the inference request reader, which report its errors in their own terms.
public enum JSONStringLiteral {
    /// Why a string literal cannot be read.
    public struct Failure: Error, Sendable {
        public let message: String
    }

    /// Reads the string literal whose opening quote is at `index`.
    /// - Parameters:
    ///   - bytes: the document.
    ///   - index: in: the opening quote; out: just past the closing quote, or where the problem is.
    /// - Returns: the string's value.
    /// - Throws: ``Failure`` for an unterminated string, a raw control character, a bad escape,
    ///   an unpaired surrogate or invalid UTF-8.
    /// - Complexity: O(*n*) in the literal's length.
    public static func read(_ bytes: UnsafeBufferPointer<UInt8>, at index: inout Int) throws(Failure) -> String {
        index += 1  // the opening quote
        // Fast path: plain ASCII without escapes, the shape of nearly every key and value.
        var end = index
        while end < bytes.count {
            let b = bytes[end]
            if b == UInt8(ascii: "\"") {
                let s = String(decoding: UnsafeBufferPointer(rebasing: bytes[index..<end]), as: UTF8.self)
                index = end + 1
                return s
            }
            if b == UInt8(ascii: "\\") || b < 0x20 || b >= 0x80 { break }
            end += 1
        }
        var out: [UInt8] = []
        while true {
            guard index < bytes.count else { throw Failure(message: "unterminated string") }
            let b = bytes[index]
            if b == UInt8(ascii: "\"") { index += 1; break }
            if b < 0x20 { throw Failure(message: "control character in string (escape it, e.g. \\n)") }
            if b != UInt8(ascii: "\\") { out.append(b); index += 1; continue }
            index += 1
            guard index < bytes.count else { throw Failure(message: "unterminated string") }
            let e = bytes[index]
            index += 1
            switch e {
            case UInt8(ascii: "\""): out.append(0x22)
            case UInt8(ascii: "\\"): out.append(0x5C)
            case UInt8(ascii: "/"): out.append(0x2F)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4(bytes, at: &index)
                if (0xD800..<0xDC00).contains(scalar) {
                    guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                        throw Failure(message: "unpaired surrogate in \\u escape")
                    }
                    index += 2
                    let low = try hex4(bytes, at: &index)
                    guard (0xDC00..<0xE000).contains(low) else { throw Failure(message: "invalid low surrogate in \\u escape") }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                }
                guard let u = Unicode.Scalar(scalar) else { throw Failure(message: "invalid \\u escape") }
                out.append(contentsOf: Array(String(Character(u)).utf8))
            default: throw Failure(message: "invalid escape '\\\(Character(Unicode.Scalar(e)))'")
            }
        }
        guard let s = String(validating: out, as: UTF8.self) else { throw Failure(message: "string is not valid UTF-8") }
        return s
    }

    private static func hex4(_ bytes: UnsafeBufferPointer<UInt8>, at index: inout Int) throws(Failure) -> UInt32 {
        guard index + 4 <= bytes.count else { throw Failure(message: "truncated \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let b = bytes[index]
            let d: UInt32
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(b - 48)
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(b - 87)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(b - 55)
            default: throw Failure(message: "invalid hex digit in \\u escape")
            }
            v = v * 16 + d
            index += 1
        }
        return v
    }
}
