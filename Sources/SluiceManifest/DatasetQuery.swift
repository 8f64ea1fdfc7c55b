/// The rules a database source's `query` (`spec.dataset.query`) must follow, checked when the
/// manifest is read.
public enum DatasetQuery {
    /// What is wrong with `query`, phrased to follow its value in a message, or `nil`.
    ///
    /// It must be one statement (a `;` may end it), and it must have an `ORDER BY`: without one a
    /// database may return the same rows in another order from one run to the next, and the
    /// digest of the data, hence the version, would change with nothing changed. Text in quotes
    /// and comments does not count.
    /// - Complexity: O(n) in the length of `query`.
    public static func problem(_ query: String) -> String? {
        let code = self.code(query)
        if let semicolon = code.firstIndex(of: ";"), code[code.index(after: semicolon)...].contains(where: { $0 != ";" && !$0.isWhitespace }) {
            return "holds more than one statement; give one SELECT … ORDER BY …"
        }
        let words = code.lowercased().split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "_") })
        if let first = words.first, !["select", "with", "values", "table"].contains(first) {
            return "is not a query: it starts with \(first.uppercased()); give one SELECT … ORDER BY … (a dataset only reads)"
        }
        let ordered = zip(words, words.dropFirst()).contains { $0 == "order" && $1 == "by" }
        if !ordered {
            return "has no ORDER BY, so the database may return its rows in another order each time and the data's digest (and the model's version) would change with nothing changed; end it with ORDER BY columns that identify a row"
        }
        return nil
    }

    /// `query` without the semicolons, white space and comments that may end it, as it can stand
    /// inside `COPY (…)` (where a final `-- comment` would hide the closing parenthesis).
    public static func statement(_ query: String) -> String {
        let original = Array(query)
        let code = Array(self.code(query))
        var end = code.count
        // Comments are blanks in `code`; quoted text is not, and a `;` in it is not code.
        while end > 0, code[end - 1].isWhitespace || code[end - 1] == ";" { end -= 1 }
        return String(original[..<end])
    }

    /// `query` with string literals and quoted identifiers as `_`s and comments as spaces,
    /// character for character (line ends kept), so offsets in it are offsets in `query`.
    static func code(_ query: String) -> String {
        let chars = Array(query)
        var out = chars
        var i = 0
        func blank(_ from: Int, _ to: Int, with filler: Character = " ") {
            for k in from..<min(to, chars.count) where chars[k] != "\n" { out[k] = filler }
        }
        while i < chars.count {
            let c = chars[i]
            if c == "'" || c == "\"" {
                // To the closing quote (a doubled quote closes and reopens at once).
                var j = i + 1
                while j < chars.count, chars[j] != c { j += 1 }
                blank(i, j + 1, with: "_")
                i = j + 1
            } else if c == "-", i + 1 < chars.count, chars[i + 1] == "-" {
                var j = i
                while j < chars.count, chars[j] != "\n" { j += 1 }
                blank(i, j)
                i = j
            } else if c == "/", i + 1 < chars.count, chars[i + 1] == "*" {
                var j = i + 2
                while j + 1 < chars.count, !(chars[j] == "*" && chars[j + 1] == "/") { j += 1 }
                blank(i, j + 2)
                i = j + 2
            } else {
                i += 1
            }
        }
        return String(out)
    }
}
