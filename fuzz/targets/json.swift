// libFuzzer target: SluiceCore's JSON parser (every manifest, artifact and request goes through it).
//
// Beyond "never traps": whatever parses has a canonical text that parses back to the same value,
// in both the compact and the pretty form; whatever does not parse is refused with a position
// inside the document.
import SluiceCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSON(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let node: JSONNode
    do {
        node = try JSONParser.parse(bytes)
    } catch {
        let lines = bytes.reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) }
        precondition(error.position.line >= 1 && error.position.line <= lines && error.position.column >= 1,
                     "syntax error at \(error.position) outside a document of \(lines) lines")
        precondition(!error.message.isEmpty)
        return 0
    }
    let value = node.value
    _ = node.snippet
    for pretty in [false, true] {
        let text = value.canonicalBytes(pretty: pretty)
        guard let again = try? JSONParser.parse(text) else {
            preconditionFailure("canonical text does not parse: \(String(decoding: text, as: UTF8.self))")
        }
        precondition(again.value == value, "canonical text changes the value: \(String(decoding: text, as: UTF8.self))")
        if !pretty { precondition(again.value.canonicalBytes() == text, "canonical text is not stable") }
    }
    return 0
}
