import Testing
@testable import SluiceLearn

/// Columns that look like row identifiers or free text.
@Suite struct IdentifierColumnsTests {
    @Test func rowIdsAndUniqueTextAreFoundButMeasurementsAreNot() throws {
        var text = "id,code,note,x,species\n"
        for i in 0..<30 { text += "\(100 + (i * 7) % 30),\(i % 3),note \(i),\(Double(i) * 0.37),\(i % 2 == 0 ? "a" : "b")\n" }
        let frame = try Fixtures.csv(text: text)
        let found = IdentifierColumns.find(in: frame, columns: ["id", "code", "note", "x"])
        #expect(found.map(\.column) == ["id", "note"])
        #expect(found.first?.why.contains("100…129") == true)
        #expect(IdentifierColumns.find(in: try Fixtures.csv("examples/data/iris.csv"), columns: ["sepal_length", "sepal_width", "petal_length", "petal_width"]).isEmpty)
    }

    @Test func fewRowsAreNotJudged() throws {
        let frame = try Fixtures.csv(text: "id,species\n1,a\n2,b\n3,a\n")
        #expect(IdentifierColumns.find(in: frame, columns: ["id"]).isEmpty)
    }
}
