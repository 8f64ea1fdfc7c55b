import Testing
@testable import SluiceLearn

@Suite struct CSVReaderTests {
    @Test func quotedFieldsHoldCommasQuotesAndLineBreaks() throws {
        let frame = try Fixtures.csv(text: "name,note,x\r\n\"a, b\",\"say \"\"hi\"\"\",1\r\n\"multi\nline\",,2.5\r\n")
        #expect(frame.rowCount == 2)
        #expect(frame.column(named: "name")?.storage == .string(["a, b", "multi\nline"]))
        #expect(frame.column(named: "note")?.storage == .string(["say \"hi\"", nil]))
        #expect(frame.column(named: "x")?.storage == .numeric([1, 2.5]))
    }

    @Test func missingValuesAreEmptyNAOrNaN() throws {
        let frame = try Fixtures.csv(text: "x,y\n1,a\n,b\nNA,NA\nNaN,c\n")
        guard case .numeric(let x) = frame.column(named: "x")!.storage else { Issue.record("x should be numeric"); return }
        #expect(x[0] == 1 && x[1].isNaN && x[2].isNaN && x[3].isNaN)
        #expect(frame.column(named: "y")?.storage == .string(["a", "b", nil, "c"]))
    }

    @Test(arguments: ["0.1", "-3.25e-2", "123456789012345", "1e300", "4.9e-324", "0.30000000000000004", "+7", "1234567890123456789"])
    func numbersParseExactlyLikeSwift(text: String) throws {
        let frame = try Fixtures.csv(text: "x\n\(text)\n")
        #expect(frame.columns[0].storage == .numeric([Double(text)!]))
    }

    @Test(arguments: [
        ("", "the file is empty"),
        ("a,b\n", "no data rows"),
        ("a,b\n1,2\n3\n", "line 3: row has 1 fields but the header has 2"),
        ("a,b\n1,\"open\n", "never closed"),
        ("a,a\n1,2\n", "twice"),
        ("a,b\n1,2\nx,3\n", "column \"a\" holds the non-numeric value \"x\""),
        ("a,b\nx,2\n1,3\n", "column \"a\" mixes text"),
    ])
    func badFilesAreClearErrors(text: String, message: String) {
        do {
            _ = try Fixtures.csv(text: text)
            Issue.record("expected an error for \(text.debugDescription)")
        } catch {
            #expect("\(error)".contains(message), "\(error)")
        }
    }

    @Test func irisReadsWithAStringTarget() throws {
        let frame = try Fixtures.csv("examples/data/iris.csv")
        #expect(frame.rowCount == 150)
        #expect(frame.columnNames == ["sepal_length", "sepal_width", "petal_length", "petal_width", "species"])
        #expect(!frame.column(named: "species")!.isNumeric)
    }
}

/// Files over 4 MB without quotes are parsed in chunks on all cores; the result and the line
/// numbers in errors must be those of a sequential read.
@Suite struct ChunkedCSVTests {
    static func big(rows: Int = 120_000, edit: ((Int) -> String?)? = nil) -> String {
        var lines = ["x,y,label"]
        lines.reserveCapacity(rows + 1)
        for i in 0..<rows { lines.append(edit?(i) ?? "\(i),\(Double(i) * 0.5),\(i % 2 == 0 ? "even" : "odd")") }
        return lines.joined(separator: "\n") + "\n"
    }

    @Test func aLargeFileParsesInChunksLikeASmallOne() throws {
        // 120,000 rows (≈ 2.4 MB) are read whole; 250,000 (≈ 5 MB) in chunks.
        let frame = try Fixtures.csv(text: Self.big())
        let padded = try Fixtures.csv(text: Self.big(rows: 250_000))
        #expect(frame.rowCount == 120_000)
        #expect(padded.rowCount == 250_000)
        guard case .numeric(let x) = padded.column(named: "x")!.storage, case .string(let labels) = padded.column(named: "label")!.storage else {
            Issue.record("column types")
            return
        }
        #expect(x == (0..<250_000).map(Double.init))
        #expect(labels[249_999] == "odd" && labels[125_000] == "even")
    }

    @Test func errorsInALaterChunkNameTheirLine() {
        let ragged = Self.big(rows: 250_000) { $0 == 200_000 ? "1,2" : nil }
        do { _ = try Fixtures.csv(text: ragged); Issue.record("ragged row accepted") } catch {
            #expect("\(error)" == "line 200002: row has 2 fields but the header has 3", "\(error)")
        }
        let text = Self.big(rows: 250_000) { $0 == 230_000 ? "oops,1,even" : nil }
        do { _ = try Fixtures.csv(text: text); Issue.record("text in a numeric column accepted") } catch {
            #expect("\(error)".hasPrefix("line 230002: column \"x\" holds the non-numeric value \"oops\""), "\(error)")
        }
    }

    @Test func aTextColumnWithNumbersInAnotherChunkIsStillAnError() {
        let text = Self.big(rows: 250_000) { $0 == 240_000 ? "1,2,3" : nil }
        do { _ = try Fixtures.csv(text: text); Issue.record("mixed column accepted") } catch {
            #expect("\(error)".contains("column \"label\" mixes text"), "\(error)")
        }
    }
}

/// A column that is empty for many rows and holds text later is a text column; finding that out
/// must not cost one more read of the file per such column (a 2 MB file with 1,000 of them used
/// to take over ten minutes).
@Suite struct LateTextCSVTests {
    /// `id` plus `columns` columns `c0`, `c1`, …: empty on rows before `firstText`, then text.
    static func lateText(columns: Int, rows: Int, firstText: Int) -> String {
        var text = "id," + (0..<columns).map { "c\($0)" }.joined(separator: ",") + "\n"
        for r in 0..<rows {
            text += "\(r)," + (0..<columns).map { c in r < firstText ? "" : "t\(c)_\(r)" }.joined(separator: ",") + "\n"
        }
        return text
    }

    @Test func emptyThenTextColumnsReadLikeTextInTheFirstRow() throws {
        let rows = 40, firstText = 30
        let late = try Fixtures.csv(text: Self.lateText(columns: 50, rows: rows, firstText: firstText))
        // The same rows with the text rows first, put back in the original order.
        let lines = Self.lateText(columns: 50, rows: rows, firstText: firstText).split(separator: "\n")
        let early = try Fixtures.csv(text: ([lines[0]] + lines[(firstText + 1)...] + lines[1...firstText]).joined(separator: "\n") + "\n")
        #expect(early.column(named: "c0")?.storage.isString == true)
        let order = Array(rows - firstText..<rows) + Array(0..<rows - firstText)
        #expect(late == early.selecting(rows: order))
        #expect(late.column(named: "c7")?.storage == .string(Array(repeating: nil, count: firstText) + (firstText..<rows).map { "t7_\($0)" }))
        #expect(late.column(named: "id")?.storage == .numeric((0..<rows).map(Double.init)))
    }

    @Test func lateTextColumnsAreFoundInOnePass() throws {
        var passes = 0
        let frame = try CSVReader.parse(Array(Self.lateText(columns: 200, rows: 20, firstText: 10).utf8), passes: &passes)
        #expect(frame.columns.dropFirst().allSatisfy { $0.storage.isString })
        #expect(passes == 1)
    }

    /// Over 4 MB without quotes, so read in one chunk per core (two or more here).
    static func chunked(rows: Int = 400_000, note: (Int) -> String) -> String {
        var lines = ["x,y,note"]
        lines.reserveCapacity(rows + 1)
        for i in 0..<rows { lines.append("\(i),\(Double(i) * 0.25),\(note(i))") }
        let text = lines.joined(separator: "\n") + "\n"
        precondition(text.utf8.count > 4 << 20)
        return text
    }

    @Test func aColumnEmptyInEarlierChunksAndTextInTheLastIsText() throws {
        let rows = 400_000
        var passes = 0
        let frame = try CSVReader.parse(Array(Self.chunked(rows: rows) { $0 >= rows - 3 ? "late \($0)" : "" }.utf8), passes: &passes)
        #expect(passes == 1)
        #expect(frame.rowCount == rows)
        #expect(frame.column(named: "note")?.storage == .string(Array(repeating: nil, count: rows - 3) + (rows - 3..<rows).map { "late \($0)" }))
        #expect(frame.column(named: "x")?.storage == .numeric((0..<rows).map(Double.init)))
    }

    @Test(arguments: [
        // Empty, then text, then a number: the column mixes the two.
        ("a,b\n,1\n,2\nx,3\n5,4\n",
         "line 5: column \"a\" mixes text (e.g. \"x\") and numbers (e.g. \"5\"); a column must be all numbers or all text"),
        // A number, then text: the text is the typo.
        ("a,b\n,1\n5,2\nx,3\n",
         "line 4: column \"a\" holds the non-numeric value \"x\" but numbers elsewhere (e.g. \"5\" on line 3); fix the value or leave the cell empty for a missing value"),
    ])
    func aColumnOfNumbersAndTextIsStillAnError(text: String, message: String) {
        do { _ = try Fixtures.csv(text: text); Issue.record("mixed column accepted") } catch {
            #expect("\(error)" == message)
        }
    }

    @Test func textInALaterChunkAndANumberInAnEarlierOneIsStillAnError() {
        let rows = 400_000
        let text = Self.chunked(rows: rows) { $0 == 10 ? "7" : $0 == rows - 1 ? "oops" : "" }
        do { _ = try Fixtures.csv(text: text); Issue.record("mixed column accepted") } catch {
            #expect("\(error)" == "line 12: column \"note\" mixes text (e.g. \"oops\") and numbers (e.g. \"7\"); a column must be all numbers or all text")
        }
    }
}

extension DataFrame.Column.Storage {
    fileprivate var isString: Bool { if case .string = self { true } else { false } }
}
