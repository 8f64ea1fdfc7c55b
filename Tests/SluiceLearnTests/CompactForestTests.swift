import Testing
import SluiceCore
@testable import SluiceLearn

/// Fitted forests are stored once, as packed records plus inner values (``PackedTree``), and the
/// trees, the artifact's bytes and the extremely randomised splits come out as the straightforward
/// code gives them.
@Suite struct CompactForestTests {
    static let cases: [EstimatorConformanceTests.Case] = EstimatorConformanceTests.cases.filter {
        ["decision_tree", "random_forest", "extra_trees"].contains($0.algorithm)
    }

    /// Grows a few trees of every kind straight from the builder, on the conformance data.
    /// `integral` rounds regression targets, so that every sum is exact whatever its order.
    func grownTrees(_ c: EstimatorConformanceTests.Case, integral: Bool = false, histogramRandomSplits: Bool = false) throws -> (trees: [Tree], outputs: Int) {
        let (frame, spec) = try EstimatorConformanceTests.data(c)
        let prepared = try Trainer.prepare(spec, train: frame)
        let x = BinnedMatrix(prepared.x, maxBins: 255)
        let target: TreeTarget = c.task == .classification ? .classes(prepared.y, count: prepared.target.classes.count) : .values(integral ? prepared.values.map { $0.rounded() } : prepared.values)
        let outputs = c.task == .classification ? prepared.target.classes.count : 1
        var trees: [Tree] = []
        for (t, random) in [(0, false), (1, true), (2, true)] {
            let growth = TreeGrowth(criterion: c.task == .classification ? .gini : .squaredError, maxDepth: nil, minSamplesSplit: 2,
                                    minSamplesLeaf: 1, maxFeatures: t == 2 ? 1 : nil, randomThresholds: random)
            let weights = (0..<x.rows).map { Double(($0 * 7 + t) % 3) }  // bootstrap-like counts, some rows out
            var builder = TreeBuilder(x: x, target: target, weights: weights, growth: growth, rng: SplitMix64(seed: UInt64(t + 1)))
            builder.histogramRandomSplits = histogramRandomSplits
            trees.append(builder.build())
        }
        return (trees, outputs)
    }

    @Test(arguments: cases)
    func packedTreesGiveTheBuilderTreesBack(_ c: EstimatorConformanceTests.Case) throws {
        let (trees, outputs) = try grownTrees(c)
        let model = TreeEnsembleModel(trees: trees, outputs: outputs)
        #expect(model.given == nil)
        #expect(model.treeCount == trees.count)
        #expect(model.trees == trees)
        #expect(model == TreeEnsembleModel(trees: trees, outputs: outputs))
    }

    /// With class counts and integral targets the sums are exact in any order, so the
    /// histogram-free pass must pick exactly the splits of the histogram sweep.
    @Test(arguments: cases)
    func randomSplitsWithoutHistogramEqualTheHistogramSweep(_ c: EstimatorConformanceTests.Case) throws {
        let (direct, _) = try grownTrees(c, integral: true, histogramRandomSplits: false)
        let (swept, _) = try grownTrees(c, integral: true, histogramRandomSplits: true)
        #expect(direct == swept)
        #expect(direct.allSatisfy { $0.nodeCount > 3 })
    }

    @Test func treesNotInBuilderFormAreKeptAsGiven() {
        // Right child numbered before the left one: valid in an artifact, not the builder's order.
        let tree = Tree(feature: [0, -1, -1], threshold: [0.5, 0, 0], left: [2, -1, -1], right: [1, -1, -1], value: [0.5, 0.5, 1, 0, 0, 1], outputs: 2)
        let model = TreeEnsembleModel(trees: [tree], outputs: 2)
        #expect(model.given != nil)
        #expect(model.trees == [tree])
        var out = [0.0, 0.0]
        [0.0].withUnsafeBufferPointer { r in out.withUnsafeMutableBufferPointer { model.predict(r, into: $0) } }
        #expect(out == [0, 1])
    }

    /// The trees written straight into the bytes give the bytes of the whole document's canonical text.
    @Test(arguments: cases)
    func streamedArtifactBytesEqualTheCanonicalDocument(_ c: EstimatorConformanceTests.Case) throws {
        let (frame, spec) = try EstimatorConformanceTests.data(c)
        let artifact = try Fixtures.train(spec, frame).artifact
        let streamed = try #require(artifact.encodedTreeEnsemble())
        #expect(streamed == artifact.json.canonicalBytes())
        let decoded = try ModelArtifact.decode(streamed, expectedDigest: nil)
        #expect(decoded.encoded() == streamed)
    }

    @Test func integersAreWrittenAsTheCanonicalFormatWritesThem() {
        for v in [0, 1, -1, 9, 10, 99, 100, 12345, -98765, Int(Int32.max), 1 << 52] {
            var out: [UInt8] = []
            ModelArtifact.writeInteger(v, into: &out)
            #expect(String(decoding: out, as: UTF8.self) == JSON.format(Double(v)))
        }
    }
}
