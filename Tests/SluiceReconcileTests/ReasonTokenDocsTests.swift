import Foundation
import Testing
import SluiceReconcile

/// The reason tokens are API: docs/json-output.md must document each one, so the doc cannot fall
/// behind the code.
@Suite struct ReasonTokenDocsTests {
    static let doc = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("docs/json-output.md")

    /// The tokens in the first column of the doc's table.
    static func documented() throws -> [String] {
        try String(contentsOf: doc, encoding: .utf8).split(separator: "\n").compactMap { line in
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard line.hasPrefix("| `"), cells.count > 3, cells[1].hasPrefix("`"), cells[1].hasSuffix("`") else { return nil }
            return String(cells[1].dropFirst().dropLast())
        }
    }

    @Test func everyTokenIsDocumentedWithAMeaning() throws {
        let documented = try Self.documented()
        for token in ReasonToken.allCases {
            #expect(documented.contains(token.rawValue), "docs/json-output.md does not document the reason token \(token.rawValue)")
        }
        // And no token is documented that the code does not have (a rename would leave one behind).
        #expect(Set(documented) == Set(ReasonToken.allCases.map(\.rawValue)), "\(Set(documented).symmetricDifference(ReasonToken.allCases.map(\.rawValue)))")
        #expect(documented.count == Set(documented).count, "a token is documented twice: \(documented)")
    }

    @Test func tokensAreUpperCamelCase() {
        for token in ReasonToken.allCases {
            #expect(token.rawValue.first?.isUppercase == true && token.rawValue.allSatisfy { $0.isLetter }, "\(token.rawValue)")
        }
    }
}
