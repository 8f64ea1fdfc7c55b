import Foundation
import Testing
import SluiceCore
@testable import SluiceLearn

/// `"method": "sklearn"` against scikit-learn itself: fixtures written once by
/// Tests/Fixtures/sklearn_split/make.py with scikit-learn and numpy, committed.
@Suite struct ScikitLearnSplitTests {
    static let directory = Fixtures.root.appendingPathComponent("Tests/Fixtures/sklearn_split")

    static func fixture(_ name: String) throws -> JSON {
        try JSONParser.parse([UInt8](Data(contentsOf: directory.appendingPathComponent(name)))).value
    }

    /// The SHA-256 of integers written as decimal lines (the generator's `digest`).
    static func digest<S: Sequence>(_ values: S) -> String where S.Element: BinaryInteger {
        var bytes: [UInt8] = []
        for v in values {
            bytes += Array(String(v).utf8)
            bytes.append(10)
        }
        return SHA256.hex(of: bytes)
    }

    /// Checks an index list against the fixture: the full list, or count, digest, head and tail.
    static func expectSame(_ got: [Int], _ want: JSON?, _ label: String) {
        guard let want else { Issue.record("\(label): missing in the fixture"); return }
        if let list = want.arrayValue {
            #expect(got == list.compactMap(\.intValue), "\(label)")
            return
        }
        #expect(got.count == want["count"]?.intValue, "\(label): count")
        #expect(Array(got.prefix(10)) == want["head"]?.arrayValue?.compactMap(\.intValue), "\(label): head")
        #expect(Array(got.suffix(10)) == want["tail"]?.arrayValue?.compactMap(\.intValue), "\(label): tail")
        #expect(digest(got) == want["sha256"]?.stringValue, "\(label): sha256")
    }

    static func size(_ c: JSON) -> TestSize {
        if let n = c["testSize"]?.intValue { return .count(n) }
        return .fraction(c["testFraction"]!.doubleValue!)
    }

    @Test func mersenneTwisterDrawsWhatNumpyDraws() throws {
        let doc = try Self.fixture("mt19937.json")
        let seeds = try #require(doc["seeds"]?.arrayValue)
        #expect(seeds.count == 3)
        for s in seeds {
            let seed = try #require(s["seed"]?.intValue)
            var rng = MersenneTwister(seed: UInt32(seed))
            let values = (0..<10_000).map { _ in rng.next32() }
            #expect(values.prefix(5).map(Int.init) == s["first"]?.arrayValue?.compactMap(\.intValue), "seed \(seed)")
            #expect(values[622..<626].map(Int.init) == s["around623"]?.arrayValue?.compactMap(\.intValue), "seed \(seed)")
            #expect(values.suffix(5).map(Int.init) == s["last"]?.arrayValue?.compactMap(\.intValue), "seed \(seed)")
            #expect(Self.digest(values) == s["sha256"]?.stringValue, "seed \(seed)")
        }
        var reference = MersenneTwister(seed: 5489)
        #expect(reference.next32() == 3_499_211_612)  // the reference implementation's first output
    }

    @Test func shuffledSplitsAreScikitLearnsRowForRow() throws {
        let cases = try #require(try Self.fixture("splits.json")["shuffled"]?.arrayValue)
        #expect(cases.count == 4 * 5 * 4)
        for c in cases {
            let n = c["n"]!.intValue!, seed = c["seed"]!.intValue!
            let spec = SplitSpec(method: .sklearn, testSize: Self.size(c), seed: UInt64(seed), stratify: false)
            let split = try TrainTestSplit.make(spec, count: n, labels: nil)
            let label = "n=\(n) \(spec.testSize) seed=\(seed)"
            Self.expectSame(split.test, c["test"], "\(label) test")
            Self.expectSame(split.train, c["train"], "\(label) train")
        }
    }

    @Test func stratifiedSplitsAreScikitLearnsRowForRow() throws {
        let doc = try Self.fixture("splits.json")
        let cases = try #require(doc["stratified"]?.arrayValue)
        let labelSets = try #require(doc["labels"]?.objectValue)
        var compared = 0
        for c in cases {
            let name = c["labels"]!.stringValue!, seed = c["seed"]!.intValue!
            let values = labelSets[name]!.arrayValue!
            let column = values.first?.doubleValue != nil
                ? DataFrame.Column(name: "y", storage: .numeric(values.map { $0.doubleValue! }))
                : DataFrame.Column(name: "y", storage: .string(values.map(\.stringValue)))
            let labels = TrainTestSplit.classIndices(column, method: .sklearn)
            let spec = SplitSpec(method: .sklearn, testSize: Self.size(c), seed: UInt64(seed), stratify: true)
            let label = "\(name) \(spec.testSize) seed=\(seed)"
            if c["error"] != nil {
                #expect(throws: LearnError.self, "\(label)") { try TrainTestSplit.make(spec, count: values.count, labels: labels) }
                continue
            }
            let split = try TrainTestSplit.make(spec, count: values.count, labels: labels)
            Self.expectSame(split.test, c["test"], "\(label) test")
            Self.expectSame(split.train, c["train"], "\(label) train")
            compared += 1
        }
        #expect(compared >= 70)
    }

    @Test func sizesAreCountedAsScikitLearnCountsThem() throws {
        #expect(try TestSize.fraction(0.3).rows(of: 150) == 45)
        #expect(try TestSize.fraction(0.25).rows(of: 10) == 3)  // ceil(2.5)
        #expect(try TestSize.count(45).rows(of: 150) == 45)
        #expect(throws: LearnError.self) { try TestSize.count(150).rows(of: 150) }
        #expect(throws: LearnError.self) { try TestSize.fraction(0.95).rows(of: 10) }  // no training row left
    }

    @Test func aSingleRowClassIsRefusedAsScikitLearnRefusesIt() throws {
        let spec = SplitSpec(method: .sklearn, testSize: .fraction(0.3), seed: 0, stratify: true)
        let error = try #require(throws: LearnError.self) { try TrainTestSplit.make(spec, count: 7, labels: [0, 0, 0, 1, 1, 1, 2]) }
        #expect(error.message.contains("2 rows of every class"))
        #expect(error.message.contains("spec.dataset.split.stratify"))
    }

    @Test func aSeedAboveNumpysRangeIsRefused() throws {
        let spec = SplitSpec(method: .sklearn, testSize: .fraction(0.3), seed: 1 << 32, stratify: false)
        let error = try #require(throws: LearnError.self) { try TrainTestSplit.make(spec, count: 10, labels: nil) }
        #expect(error.message.contains("4294967295"))
    }
}
