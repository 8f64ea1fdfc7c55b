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
