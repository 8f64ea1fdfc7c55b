import Testing
import SluiceCore
@testable import SluiceLearn

/// The prediction layout of tree models (``PackedForest``: reordered nodes, values inlined in
/// leaves, sixteen trees walked at once) gives what walking each tree as stored gives.
@Suite struct PackedForestTests {
    static let cases: [EstimatorConformanceTests.Case] = EstimatorConformanceTests.cases.filter {
        ["decision_tree", "random_forest", "extra_trees", "gradient_boosting"].contains($0.algorithm)
    }

    @Test(arguments: cases)
    func packedPredictionsEqualWalkingEachTree(_ c: EstimatorConformanceTests.Case) throws {
        let (frame, spec) = try EstimatorConformanceTests.data(c)
        let artifact = try Fixtures.train(spec, frame).artifact
        let x = try artifact.encoder.transform(frame)
        var row = [Double](repeating: 0, count: x.cols)
        for r in 0..<x.rows {
            x.copyRow(r, into: &row)
            let packed = artifact.predict(encodedRow: row)
            let walked = row.withUnsafeBufferPointer { naive(artifact.fitted, $0) }
            #expect(packed.count == walked.count)
            if case .boosted = artifact.fitted {
                // Boosted scores add the trees' values in tree order, as the walk does: exactly.
                #expect(packed == walked, "row \(r)")
            }
            for k in packed.indices {
                #expect(abs(packed[k] - walked[k]) <= 1e-12 * max(1, abs(walked[k])), "row \(r) output \(k): \(packed) vs \(walked)")
            }
        }
    }

    /// Each tree walked from its root in the stored arrays, leaf values summed in tree order.
    func naive(_ fitted: ModelArtifact.Fitted, _ row: UnsafeBufferPointer<Double>) -> [Double] {
        switch fitted {
        case .trees(let m):
            var out = [Double](repeating: 0, count: m.outputs)
            for tree in m.trees {
                let leaf = tree.leaf(for: row)
                for k in 0..<m.outputs { out[k] += tree.value[leaf * m.outputs + k] }
            }
            return out.map { $0 / Double(m.trees.count) }
        case .boosted(let m):
            var out = m.baseline + (m.link == .sigmoid ? [0] : [])
            for (i, tree) in m.trees.enumerated() { out[i % m.outputs] += tree.value[tree.leaf(for: row)] }
            out.withUnsafeMutableBufferPointer { BoostedModel.link(m.link, m.outputs, $0) }
            return out
        default:
            Issue.record("not a tree model")
            return []
        }
    }
}
