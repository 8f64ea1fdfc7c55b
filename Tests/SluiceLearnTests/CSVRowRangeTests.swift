import Testing
@testable import SluiceLearn

/// The reader counts line ends first (to size the columns), cuts large files into ranges, reads each
/// range straight into the frame's columns, and takes a row's leading plain numbers in a tight loop.
/// Each of those must give what a plain sequential read of the rows gives.
@Suite struct CSVRowRangeTests {
    /// The scan's counts against a byte-by-byte loop, over random bytes rich in line ends and quotes.
    @Test func theScanCountsLikeAByteLoop() {
        var g = SplitMix64(seed: 3)
        let alphabet: [UInt8] = [0x0A, 0x0D, 0x22, 0x2C, 0x31, 0x41]
        for length in [0, 1, 63, 64, 65, 200, 64 * 255, 64 * 256 + 17, 40_000] {
            for _ in 0..<3 {
                let odds = 1 + g.below(200)
                let bytes = (0..<length).map { _ in g.below(odds) == 0 ? alphabet[g.below(3)] : alphabet[3 + g.below(3)] }
                var feeds = 0, ends = 0
                for (i, b) in bytes.enumerated() {
                    if b == 0x0A { feeds += 1 }
                    if b == 0x0A || (b == 0x0D && (i + 1 == length || bytes[i + 1] != 0x0A)) { ends += 1 }
                }
                bytes.withUnsafeBufferPointer { p in
                    let base = p.baseAddress ?? UnsafePointer(bitPattern: 1)!
                    let scan = CSVReader.scan(base, from: 0, to: length, quotes: true)
                    #expect(scan.feeds == feeds && scan.records == ends + 1 && scan.quote == bytes.contains(0x22), "length \(length)")
                }
            }
        }
    }

    /// Rows the hot path must leave to the field-by-field path, mixed with rows it takes.
    @Test func rowsTheHotPathLeavesReadAsBefore() throws {
        let text = "a,b,c\n1,2,3\n\"4\",5,6\n7, 8 ,9\n10,11,\n12,,13\n1e2,NA,-0\n14,15,16,\n17,18\n"
        do { _ = try Fixtures.csv(text: text); Issue.record("accepted a ragged row") } catch {
            #expect("\(error)" == "line 8: row has 4 fields but the header has 3")
        }
        let frame = try Fixtures.csv(text: "a,b,c\n1,2,3\n\"4\",5,6\n7, 8 ,9\n10,11,\n12,,13\n1e2,NA,-0\n0.5,1.25,1e300")
        guard case .numeric(let a) = frame.columns[0].storage, case .numeric(let b) = frame.columns[1].storage,
              case .numeric(let c) = frame.columns[2].storage else { Issue.record("column types"); return }
        #expect(a == [1, 4, 7, 10, 12, 100, 0.5])
        #expect(b.map { $0.isNaN ? -1 : $0 } == [2, 5, 8, 11, -1, -1, 1.25])
        #expect(c.map { $0.isNaN ? -1 : $0 } == [3, 6, 9, -1, 13, 0, 1e300])
        #expect(c[5].sign == .minus)
    }

    /// Over 4 MB, with blank lines in the first range (its rows are moved up behind them) and line
    /// ends of every kind.
    @Test(arguments: ["\n", "\r\n", "\r"])
    func blankLinesAndLineEndsInALargeFile(end: String) throws {
        let rows = 300_000
        func file(oops: Int? = nil) -> String {
            var text = "x,y,z" + end
            for i in 0..<rows {
                text += "\(i == oops ? "oops" : String(i)),\(Double(i) * 0.125),-\(i % 1000)" + end
                if i % 1000 == 0 { text += end }
            }
            return text
        }
        let frame = try Fixtures.csv(text: file())
        #expect(frame.rowCount == rows)
        #expect(frame.column(named: "x")?.storage == .numeric((0..<rows).map(Double.init)))
        #expect(frame.column(named: "y")?.storage == .numeric((0..<rows).map { Double($0) * 0.125 }))
        #expect(frame.column(named: "z")?.storage == .numeric((0..<rows).map { -Double($0 % 1000) }))
        do { _ = try Fixtures.csv(text: file(oops: 299_990)); Issue.record("text accepted") } catch {
            // The header, 300,000 rows and a blank line after every thousandth: row 299,990 is on line 300,292.
            #expect("\(error)".hasPrefix("line 300292: column \"x\" holds the non-numeric value \"oops\""), "\(error)")
        }
    }

    /// More columns than the frame's arrays are filled in place for: filled apart, then copied.
    @Test func aVeryWideFileReadsLikeANarrowOne() throws {
        let width = CSVColumnStorage.nestingLimit + 44
        var text = (0..<width).map { "c\($0)" }.joined(separator: ",") + "\n"
        for r in 0..<5 { text += (0..<width).map { c in c == 7 ? "t\(r)" : "\(r * width + c)" }.joined(separator: ",") + "\n" }
        let frame = try Fixtures.csv(text: text)
        #expect(frame.rowCount == 5 && frame.columns.count == width)
        #expect(frame.column(named: "c7")?.storage == .string((0..<5).map { "t\($0)" }))
        #expect(frame.column(named: "c299")?.storage == .numeric((0..<5).map { Double($0 * width + 299) }))
    }

    @Test func aFileEndingInACommaHasAnEmptyLastField() throws {
        let frame = try Fixtures.csv(text: "a,b\n1,2\n3,")
        guard case .numeric(let b) = frame.columns[1].storage else { Issue.record("b should be numeric"); return }
        #expect(b[0] == 2 && b[1].isNaN)
    }
}
