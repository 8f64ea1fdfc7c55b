import Testing
@testable import SluiceCore

@Suite struct JSONTests {
    @Test func canonicalFormSortsKeysAndIsStable() throws {
        let a = try JSONParser.parse("{\"b\": 1, \"a\": [true, null, 1.5, \"x\\n\"], \"c\": {\"z\": 0, \"y\": -2e3}}").value
        #expect(a.canonical() == "{\"a\":[true,null,1.5,\"x\\n\"],\"b\":1,\"c\":{\"y\":-2000,\"z\":0}}")
        let b = try JSONParser.parse(a.canonical(pretty: true)).value
        #expect(a == b)
    }

    @Test(arguments: [0.1, 1.0 / 3.0, 1e-300, 123456789.125, -0.0, 2.5e20])
    func numbersRoundTripExactly(value: Double) throws {
        let text = JSON.number(value).canonical()
        #expect(try JSONParser.parse(text).value.doubleValue == value)
    }

    @Test(arguments: [
        ("{", "unexpected end of file"), ("[1,]", "trailing comma"), ("01", "leading zero"), ("{\"a\" 1}", "expected ':'"),
        ("\"\\x\"", "invalid escape"), ("[1] 2", "after the end of the document"), ("True", "lower case"), ("{a: 1}", "double quotes"),
    ])
    func syntaxErrorsAreDescribed(text: String, message: String) {
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(text) }
        do { _ = try JSONParser.parse(text) } catch { #expect(error.message.contains(message), "\(error)") }
    }

    @Test func positionsCountLinesAndCharacters() throws {
        let node = try JSONParser.parse("{\n  \"é\": [\n    7\n  ]\n}")
        guard case .object(let members) = node.kind, case .array(let items) = members[0].value.kind else { Issue.record(); return }
        #expect(members[0].keyPosition == SourcePosition(line: 2, column: 3))
        #expect(items[0].position == SourcePosition(line: 3, column: 5))
    }

    @Test func unicodeEscapesAndSurrogatesDecode() throws {
        #expect(try JSONParser.parse("\"\\u00e9\\ud83d\\ude00\"").value == .string("é😀"))
    }

    @Test func deepNestingIsRefusedNotCrashed() {
        let text = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(text) }
    }

    @Test func sha256MatchesKnownVectors() {
        #expect(SHA256.hex(of: "") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(of: "abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        var h = SHA256()
        h.update(Array("a".utf8))
        h.update(Array("bc".utf8))
        #expect(h.finalizeHex() == SHA256.hex(of: "abc"))
    }
}
