import Testing
import SluiceCore
import SluiceLearn
@testable import SluiceReconcile

/// The feedback snapshot an automatic retrain trains on: its canonical bytes (whose digest enters
/// the version identity), how the next snapshot is built from labelled rows, and how its rows
/// become frames like the dataset's.
@Suite struct FeedbackSnapshotTests {
    typealias Row = FeedbackSnapshot.Row

    /// Four rows given out of order, with cells that need quoting.
    static let rows = [
        Row(id: "b", row: 0, time: 2, part: .train, cells: ["1.5", "red, blue", "1"]),
        Row(id: "c", row: 0, time: 1_700_000_000.5, part: .train, cells: ["2", " padded ", ""]),
        Row(id: "a", row: 1, time: 1.25, part: .holdout, cells: ["", #"say "hi""#, "0"]),
        Row(id: "a", row: 0, time: 1.25, part: .train, cells: ["-3", "line1\nline2", "1"]),
    ]
    static let snapshot = FeedbackSnapshot(columns: ["x", "color", "y"], rows: rows)

    static let canonical = #"""
        sluice.id,sluice.row,sluice.time,sluice.part,x,color,y
        a,0,1.25,train,-3,"line1
        line2",1
        a,1,1.25,holdout,,"say ""hi""",0
        b,0,2,train,1.5,"red, blue",1
        c,0,1700000000.5,train,2," padded ",

        """#

    @Test func theCanonicalBytesAreSortedQuotedOnlyWhereNeededAndEndEachLine() {
        #expect(String(decoding: Self.snapshot.csv(), as: UTF8.self) == Self.canonical)
        #expect(Self.snapshot.digest == SHA256.hex(of: Array(Self.canonical.utf8)))
        #expect(Self.snapshot.digest.count == 64)
        #expect(Self.snapshot.trainRows == 3 && Self.snapshot.holdoutRows == 1 && Self.snapshot.target == "y")
        // A tab at either end is quoted too; a space inside is not.
        let tabs = FeedbackSnapshot(columns: ["x", "y"], rows: [Row(id: "t", row: 0, time: 0, part: .train, cells: ["\tx", "a b"])])
        #expect(String(decoding: tabs.csv(), as: UTF8.self).hasSuffix("t,0,0,train,\"\tx\",a b\n"))
    }

    @Test func cellsAreJSONValuesInCanonicalFormWithNullEmpty() {
        #expect(FeedbackSnapshot.cell(.number(1)) == "1")
        #expect(FeedbackSnapshot.cell(.number(-0.0)) == "0")
        #expect(FeedbackSnapshot.cell(.number(0.1)) == "0.1")
        #expect(FeedbackSnapshot.cell(.number(2.5e-7)) == "2.5e-07")
        #expect(FeedbackSnapshot.cell(.number(1e21)) == "1e+21")
        #expect(FeedbackSnapshot.cell(.string("a,b")) == "a,b", "quoting is the CSV writer's, not the cell's")
        #expect(FeedbackSnapshot.cell(.bool(true)) == "true" && FeedbackSnapshot.cell(.bool(false)) == "false")
        #expect(FeedbackSnapshot.cell(.null) == "" && FeedbackSnapshot.cell(nil) == "")
        #expect(FeedbackSnapshot.cell(.array([1])) == "" && FeedbackSnapshot.cell(["k": 1]) == "")
    }

    @Test func parsingTheBytesGivesTheSnapshotBack() throws {
        let parsed = try FeedbackSnapshot.parse(Self.snapshot.csv())
        #expect(parsed == Self.snapshot)
        #expect(parsed.csv() == Self.snapshot.csv())
        // Times keep every bit through their text.
        let odd = FeedbackSnapshot(columns: ["x", "y"], rows: [Row(id: "o", row: 3, time: 1_733_000_000.123456, part: .holdout, cells: ["1e-300", "z"])])
        #expect(try FeedbackSnapshot.parse(odd.csv()) == odd)
    }

    /// "\r\n" is one Character in Swift, equal to neither "\r" nor "\n": a cell holding it is quoted
    /// all the same, so the bytes read back (in an id, a text feature or a label).
    @Test func aCellWithACarriageReturnAndLineFeedIsQuotedAndReadsBack() throws {
        let snapshot = FeedbackSnapshot(columns: ["w", "y"], rows: [
            Row(id: "a\r\nb", row: 0, time: 1, part: .train, cells: ["x\r\ny", "yes"]),
            Row(id: "c", row: 0, time: 2, part: .holdout, cells: ["\r\n", "n\r\no"]),
        ])
        let text = String(decoding: snapshot.csv(), as: UTF8.self)
        #expect(text.contains("\"a\r\nb\",0,1,train,\"x\r\ny\",yes\n"), "\(text.debugDescription)")
        #expect(try FeedbackSnapshot.parse(snapshot.csv()) == snapshot)
    }

    @Test func theSameRowsInAnotherOrderHaveTheSameDigest() {
        let reversed = FeedbackSnapshot(columns: ["x", "color", "y"], rows: Self.rows.reversed())
        let rotated = FeedbackSnapshot(columns: ["x", "color", "y"], rows: Array(Self.rows[2...] + Self.rows[..<2]))
        #expect(reversed.digest == Self.snapshot.digest && rotated.digest == Self.snapshot.digest)
        var moved = Self.rows
        moved[0].part = .holdout
        #expect(FeedbackSnapshot(columns: ["x", "color", "y"], rows: moved).digest != Self.snapshot.digest, "the part is content")
    }

    @Test(arguments: [
        ("", "the snapshot is empty"),
        ("id,row,time,part,x\n", "the snapshot's header must start with sluice.id,sluice.row,sluice.time,sluice.part"),
        ("sluice.id,sluice.row,sluice.time,sluice.part\n", "and name at least one column after them"),
        ("sluice.id,sluice.row,sluice.time,sluice.part,x,y\na,0,1,train,1,2\nb,0,1,train,1\n", "line 3 has 5 fields; the header has 6"),
        ("sluice.id,sluice.row,sluice.time,sluice.part,x,y\n\"a\nb\",0,1,train,1,2\nb,x,1,train,1,2\n", #"line 4: sluice.row "x" is not a row index"#),
        ("sluice.id,sluice.row,sluice.time,sluice.part,x,y\na,-1,1,train,1,2\n", #"line 2: sluice.row "-1" is not a row index"#),
        ("sluice.id,sluice.row,sluice.time,sluice.part,x,y\na,0,soon,train,1,2\n", #"line 2: sluice.time "soon" is not a time"#),
        ("sluice.id,sluice.row,sluice.time,sluice.part,x,y\na,0,1,test,1,2\n", #"line 2: sluice.part "test" is neither train nor holdout"#),
        ("sluice.id,sluice.row,sluice.time,sluice.part,x,y\na,0,1,train,\"1,2\n", "the snapshot is not CSV"),
    ])
    func aDamagedSnapshotIsRefusedNamingTheLine(text: String, message: String) {
        #expect {
            try FeedbackSnapshot.parse(Array(text.utf8))
        } throws: { error in
            "\(error)".contains(message)
        }
    }

    // MARK: - next

    static func labelled(_ id: String, row: Int = 0, time: Double, x: JSON = 1, truth: JSON = "yes") -> FeedbackSnapshot.Labelled {
        FeedbackSnapshot.Labelled(id: id, row: row, time: time, features: ["x": x, "w": "k"], truth: truth)
    }

    /// The last snapshot: two rows, one of them held out then.
    static let previous = FeedbackSnapshot(columns: ["x", "w", "y"], rows: [
        Row(id: "p", row: 0, time: 1, part: .train, cells: ["1", "k", "no"]),
        Row(id: "p", row: 1, time: 2, part: .holdout, cells: ["2", "k", "yes"]),
    ])

    @Test func theNextSnapshotKeepsThePreviousRowsInTheirPartsAndHoldsOutTheNewestFreshOnes() {
        var labelled = (0..<10).map { Self.labelled("f\($0)", time: 10 + Double($0), x: .number(Double($0))) }
        labelled.append(Self.labelled("p", row: 1, time: 2, x: 99, truth: "no"))   // already held (same id, row and time): skipped
        labelled.append(Self.labelled("f3", time: 13, x: 99))                       // given twice: once
        labelled.append(Self.labelled("n", time: 70, truth: .null))                  // no truth: skipped
        let (next, fresh) = FeedbackSnapshot.next(previous: Self.previous, labelled: labelled.reversed(), features: ["x", "w"], target: "y", holdout: 0.3)
        #expect(fresh == 10)
        #expect(next.columns == ["x", "w", "y"])
        #expect(next.rows.map(\.id) == ["p", "p"] + (0..<10).map { "f\($0)" })
        #expect(next.rows.prefix(2).map(\.part) == [.train, .holdout], "a previous held-out row stays held out")
        #expect(next.rows[1].cells == ["2", "k", "yes"], "a previous row keeps its cells")
        // ceil(0.3 × 10) = 3: the three newest fresh rows, beside the row held out before.
        #expect(next.rows.filter { $0.part == .holdout }.map(\.id) == ["p", "f7", "f8", "f9"])
        #expect(next.rows.first { $0.id == "f3" }?.cells == ["3", "k", "yes"], "the earliest of a row given twice, whatever the order")
        // Given in another order, the same snapshot; the duplicate changes nothing.
        let forward = FeedbackSnapshot.next(previous: Self.previous, labelled: labelled, features: ["x", "w"], target: "y", holdout: 0.3)
        let once = FeedbackSnapshot.next(previous: Self.previous, labelled: labelled.filter { !($0.id == "f3" && $0.features["x"] == 99) },
                                         features: ["x", "w"], target: "y", holdout: 0.3)
        #expect(forward.snapshot.digest == next.digest && once.snapshot.digest == next.digest)
    }

    /// A request id used again later (a client's ids after the server's monitor state was reset) is
    /// another row: its label is fresh, not taken for the row an earlier snapshot holds.
    @Test func aRequestIDUsedAgainLaterIsAnotherRow() {
        let (next, fresh) = FeedbackSnapshot.next(previous: Self.previous, labelled: [Self.labelled("p", time: 30, x: 7)],
                                                  features: ["x", "w"], target: "y", holdout: 0.3)
        #expect(fresh == 1)
        #expect(next.rows.count == 3 && next.rows.last?.cells == ["7", "k", "yes"])
    }

    @Test(arguments: [(1, 0.3, 1), (7, 0.3, 3), (10, 0.3, 3), (10, 0.7, 7), (3, 0.5, 2), (4, 0.01, 1), (100, 0.3, 30), (2, 0.99, 2),
                      // 100 × 0.14 is 14.000000000000002 in binary, 100 × 0.57 is 56.99999999999999.
                      (100, 0.14, 14), (100, 0.07, 7), (50, 0.14, 7), (100, 0.57, 57), (101, 0.14, 15)])
    func theHoldoutIsTheCeilingOfTheShareAndAtLeastOne(fresh: Int, share: Double, held: Int) {
        let labelled = (0..<fresh).map { Self.labelled("r\($0)", time: Double($0)) }
        let (next, count) = FeedbackSnapshot.next(previous: nil, labelled: labelled, features: ["x", "w"], target: "y", holdout: share)
        #expect(count == fresh)
        #expect(next.holdoutRows == held, "\(fresh) × \(share)")
        #expect(next.rows.suffix(held).allSatisfy { $0.part == .holdout }, "the newest are held out")
    }

    @Test func rowsWithoutATruthOrATimeAreLeftOut() {
        let labelled = [
            Self.labelled("a", time: 1), Self.labelled("b", time: 2, truth: .null), Self.labelled("c", time: 3, truth: ""),
            Self.labelled("d", time: 4, truth: "NA"), Self.labelled("e", time: 5, truth: .array([])), Self.labelled("f", time: .nan),
            Self.labelled("g", time: .infinity), Self.labelled("h", time: 8, truth: 0),
        ]
        let (next, fresh) = FeedbackSnapshot.next(previous: nil, labelled: labelled, features: ["x", "w"], target: "y", holdout: 0.3)
        #expect(next.rows.map(\.id) == ["a", "h"] && fresh == 2)
        #expect(throws: Never.self) { try FeedbackSnapshot.parse(next.csv()) }
    }

    @Test func aPreviousSnapshotOfOtherColumnsIsIgnored() {
        let other = FeedbackSnapshot(columns: ["x", "y"], rows: [Row(id: "p", row: 0, time: 1, part: .train, cells: ["1", "no"])])
        let (next, fresh) = FeedbackSnapshot.next(previous: other, labelled: [Self.labelled("p", time: 5)], features: ["x", "w"], target: "y", holdout: 0.3)
        #expect(fresh == 1, "the row it held is fresh for these columns")
        #expect(next.rows == [Row(id: "p", row: 0, time: 5, part: .holdout, cells: ["1", "k", "yes"])])
        // Nothing fresh: the previous rows as they were.
        let (same, none) = FeedbackSnapshot.next(previous: Self.previous, labelled: [], features: ["x", "w"], target: "y", holdout: 0.3)
        #expect(none == 0 && same == Self.previous)
    }

    // MARK: - frames

    /// The dataset's training split: x and w numeric, y text, and a column the snapshot has not.
    static let template = DataFrame(columns: [
        .init(name: "x", storage: .numeric([1])), .init(name: "id", storage: .numeric([7])),
        .init(name: "w", storage: .string(["k"])), .init(name: "y", storage: .string(["yes"])),
    ])

    static func frames(_ rows: [Row], columns: [String] = ["x", "w", "y"]) throws(FeedbackSnapshotError) -> (train: DataFrame, holdout: DataFrame) {
        try FeedbackSnapshot(columns: columns, rows: rows).frames(like: template)
    }

    @Test func framesHaveTheDatasetsColumnsTypedAsItTypesThem() throws {
        let (train, holdout) = try Self.frames([
            Row(id: "a", row: 0, time: 1, part: .train, cells: ["1.5", "k", "yes"]),
            Row(id: "b", row: 0, time: 2, part: .train, cells: ["", "", "no"]),
            Row(id: "c", row: 0, time: 3, part: .train, cells: ["NA", "NA", "yes"]),
            Row(id: "d", row: 0, time: 4, part: .holdout, cells: [" 2e3 ", "m", "no"]),
        ])
        #expect(train.columnNames == ["x", "id", "w", "y"] && holdout.columnNames == train.columnNames)
        #expect(train.rowCount == 3 && holdout.rowCount == 1)
        guard case .numeric(let x) = train.columns[0].storage, case .numeric(let id) = train.columns[1].storage else {
            Issue.record("x and id must stay numeric: \(train)")
            return
        }
        #expect(x[0] == 1.5 && x[1].isNaN && x[2].isNaN)
        #expect(id.count == 3 && id.allSatisfy(\.isNaN), "a dataset column the snapshot lacks is missing")
        #expect(train.columns[2].storage == .string(["k", nil, nil]))
        #expect(train.columns[3].storage == .string(["yes", "no", "yes"]))
        #expect(holdout.columns[0].storage == .numeric([2000]))
        #expect(holdout.columns[3].storage == .string(["no"]))
        // The frames add to the dataset's.
        #expect(Self.template.appending(train).rowCount == 4)
    }

    @Test func textInANumericColumnNamesTheRequestTheRowAndTheColumn() {
        #expect {
            try Self.frames([Row(id: "req-9", row: 2, time: 1, part: .train, cells: ["tall", "k", "yes"])])
        } throws: { error in
            "\(error)" == #"feedback row (request id "req-9", row 2): x is "tall", but the dataset's column x is numeric"#
        }
    }

    @Test func aSnapshotColumnTheDatasetLacksIsRefused() {
        #expect {
            try Self.frames([Row(id: "a", row: 0, time: 1, part: .train, cells: ["1", "2", "yes"])], columns: ["x", "z", "y"])
        } throws: { error in
            "\(error)".contains(#"the feedback snapshot has a column "z" the dataset has not"#)
        }
    }
}
