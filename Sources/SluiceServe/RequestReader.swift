import SluiceCore

/// A strict RFC 8259 reader for the JSON header of an inference request that decodes each
/// tensor's `data` straight into one flat array of doubles or strings, counting elements as it
/// goes, instead of building a tree of JSON values first.
///
/// A general JSON tree costs tens of bytes per number (a request of compact numbers cost about
/// 55 times its size); here a number costs the 8 bytes of its double, and a request with more
/// elements than one request may carry is refused as soon as the count passes the limit.
/// Everything else in the header (names, shapes, parameters, outputs) is small and is read as
/// ``JSON``.
/// - Complexity: O(body size) time; O(elements) memory for the data.
struct RequestReader {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0
    private var depth = 0
    private static let maxDepth = 256

    init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    /// The leaves of one `data` array, flattened in row-major order, with the nesting seen.
    struct TensorData {
        /// Number leaves, and booleans as 1 and 0.
        var numbers: [Double] = []
        var strings: [String] = []
        var count = 0
        /// Whether the leaves include numbers, booleans, strings, or (the first of) something else.
        var sawNumber = false, sawBool = false, sawString = false
        var firstNumber: Double?
        var other: String?
        /// The length of the arrays at each depth (from the outermost, 1), the first seen at it
        /// (−1 while none has ended at that depth).
        var lengths: [Int] = []
        /// The depth of the arrays that hold leaves; `nil` until a leaf is seen.
        var leafDepth: Int?
        /// Arrays of one depth with different lengths, or leaves at different depths.
        var ragged = false

        /// The dimensions the nesting describes, when it is regular.
        var nestedShape: [Int]? { ragged ? nil : lengths }
    }

    func fail(_ message: String) -> ServeError {
        .badRequest("the request body is not valid JSON: at byte \(index): \(message)")
    }

    private var current: String {
        guard index < bytes.count else { return "end of the JSON header" }
        let b = bytes[index]
        if b >= 0x20 && b < 0x7F { return "character '\(Character(Unicode.Scalar(b)))'" }
        return "byte 0x\(String(b, radix: 16))"
    }

    mutating func skipWhitespace() {
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09 { index += 1 }
    }

    /// Checks that nothing but whitespace follows the top-level value.
    mutating func end() throws(ServeError) {
        skipWhitespace()
        if index < bytes.count { throw fail("unexpected \(current) after the end of the document") }
    }

    /// Whether the next value is an object.
    mutating func atObject() -> Bool {
        skipWhitespace()
        return index < bytes.count && bytes[index] == UInt8(ascii: "{")
    }

    /// Whether the next value is an array.
    mutating func atArray() -> Bool {
        skipWhitespace()
        return index < bytes.count && bytes[index] == UInt8(ascii: "[")
    }

    private mutating func enter() throws(ServeError) {
        depth += 1
        if depth > Self.maxDepth { throw fail("nesting deeper than \(Self.maxDepth) levels") }
    }

    /// Reads an object, calling `member` with each key; `member` must read the key's value.
    mutating func object(_ member: (inout RequestReader, String) throws(ServeError) -> Void) throws(ServeError) {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "{") else { throw fail("unexpected \(current), expected '{'") }
        try enter()
        index += 1
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; depth -= 1; return }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw fail("unexpected \(current), expected a key in double quotes") }
            let key = try string()
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw fail("unexpected \(current), expected ':' after key \"\(key)\"") }
            index += 1
            try member(&self, key)
            skipWhitespace()
            guard index < bytes.count else { throw fail("unexpected end of the JSON header, expected ',' or '}'") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "}") { index += 1; break }
            throw fail("unexpected \(current), expected ',' or '}'")
        }
        depth -= 1
    }

    /// Reads an array, calling `item` for each element; `item` must read the element.
    mutating func array(_ item: (inout RequestReader, Int) throws(ServeError) -> Void) throws(ServeError) {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "[") else { throw fail("unexpected \(current), expected '['") }
        try enter()
        index += 1
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; depth -= 1; return }
        var i = 0
        while true {
            try item(&self, i)
            i += 1
            skipWhitespace()
            guard index < bytes.count else { throw fail("unexpected end of the JSON header, expected ',' or ']'") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "]") { index += 1; break }
            throw fail("unexpected \(current), expected ',' or ']'")
        }
        depth -= 1
    }

    /// Reads any value as ``JSON`` (for the small parts of a request).
    mutating func value() throws(ServeError) -> JSON {
        skipWhitespace()
        guard index < bytes.count else { throw fail("unexpected end of the JSON header, expected a value") }
        switch bytes[index] {
        case UInt8(ascii: "{"):
            var members: [String: JSON] = [:]
            try object { r, key throws(ServeError) in members[key] = try r.value() }
            return .object(members)
        case UInt8(ascii: "["):
            var items: [JSON] = []
            try array { r, _ throws(ServeError) in items.append(try r.value()) }
            return .array(items)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
        default: throw fail("unexpected \(current), expected a value")
        }
    }

    /// Reads a tensor's `data`: nested arrays whose leaves go into `data` in row-major order.
    /// - Parameter limit: the most leaves accepted; one more is an error at once.
    mutating func tensorData(_ data: inout TensorData, limit: Int, level: Int = 1) throws(ServeError) {
        var length = 0
        try array { r, _ throws(ServeError) in
            length += 1
            if r.atArray() {
                try r.tensorData(&data, limit: limit, level: level + 1)
                return
            }
            if data.leafDepth == nil { data.leafDepth = level } else if data.leafDepth != level { data.ragged = true }
            data.count += 1
            guard data.count <= limit else { throw .badRequest("\"data\" has more than \(limit) elements, the most one request may carry") }
            r.skipWhitespace()
            guard r.index < r.bytes.count else { throw r.fail("unexpected end of the JSON header, expected a value") }
            switch r.bytes[r.index] {
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                let d = try r.number()
                data.sawNumber = true
                if data.firstNumber == nil { data.firstNumber = d }
                data.numbers.append(d)
            case UInt8(ascii: "t"), UInt8(ascii: "f"):
                let b = r.bytes[r.index] == UInt8(ascii: "t")
                try r.literal(b ? "true" : "false")
                data.sawBool = true
                data.numbers.append(b ? 1 : 0)
            case UInt8(ascii: "\""):
                data.sawString = true
                data.strings.append(try r.string())
            default:
                let v = try r.value()
                if data.other == nil { data.other = v.typeDescription }
            }
        }
        // Inner arrays end first: make room for every level down to this one.
        while data.lengths.count < level { data.lengths.append(-1) }
        if data.lengths[level - 1] == -1 { data.lengths[level - 1] = length } else if data.lengths[level - 1] != length { data.ragged = true }
    }

    private mutating func literal(_ word: StaticString) throws(ServeError) {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw fail("unexpected \(current), expected a value") }
        for i in 0..<count where bytes[index + i] != word.utf8Start[i] {
            throw fail("unexpected \(current), expected a value (true, false and null are lower case)")
        }
        index += count
    }

    private mutating func number() throws(ServeError) -> Double {
        let start = index
        func digits(_ r: inout RequestReader) -> Int {
            let s = r.index
            while r.index < r.bytes.count, r.bytes[r.index] >= 0x30, r.bytes[r.index] <= 0x39 { r.index += 1 }
            return r.index - s
        }
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        let intStart = index
        let intDigits = digits(&self)
        if intDigits == 0 { throw fail("invalid number: expected a digit") }
        if intDigits > 1, bytes[intStart] == UInt8(ascii: "0") { throw fail("invalid number: leading zero") }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            if digits(&self) == 0 { throw fail("invalid number: expected a digit after '.'") }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            if digits(&self) == 0 { throw fail("invalid number: expected a digit in the exponent") }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        guard let d = Double(text), d.isFinite else { throw fail("number \(text) is out of range") }
        return d
    }

    private mutating func string() throws(ServeError) -> String {
        do { return try JSONStringLiteral.read(bytes, at: &index) } catch { throw fail(error.message) }
    }
}
