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
        let ordered = zip(words, words.dropFirst()).contains { $0 == "order" && $1 == "by" }
        if !ordered {
            return "has no ORDER BY, so the database may return its rows in another order each time and the data's digest (and the model's version) would change with nothing changed; end it with ORDER BY columns that identify a row"
        }
        return nil
    }

    /// `query` with string literals, quoted identifiers and comments blanked out.
    static func code(_ query: String) -> String {
        var out = ""
        var chars = query.makeIterator()
        var pending: Character?
        func next() -> Character? {
            if let p = pending { pending = nil; return p }
            return chars.next()
        }
        while let c = next() {
            switch c {
            case "'", "\"":
                // To the closing quote (a doubled quote is an escaped one and reopens at once).
                while let d = next(), d != c {}
                out += " "
            case "-":
                guard let d = next() else { out.append(c); break }
                if d == "-" {
                    while let e = next(), e != "\n" {}
                    out += " "
                } else {
                    out.append(c)
                    pending = d
                }
            case "/":
                guard let d = next() else { out.append(c); break }
                if d == "*" {
                    var previous: Character = " "
                    while let e = next(), !(previous == "*" && e == "/") { previous = e }
                    out += " "
                } else {
                    out.append(c)
                    pending = d
                }
            default:
                out.append(c)
            }
        }
        return out
    }
}
