import Testing
@testable import SluiceLearn

/// A histogram pass that touches only its rows' bins (small leaves of features with many bins)
/// grows the tree of the pass over the whole histogram: the same trees, node for node.
@Suite struct SparsePassTests {
    @Test(arguments: [(600, 12), (398, 30), (3000, 5)])
    func sparsePassesGrowTheTreeOfDensePasses(rows: Int, cols: Int) {
        let (x, _, targets) = BoostingKernelTests.data(rows: rows, cols: cols, classes: 2, seed: UInt64(rows))
        let binned = BinnedMatrix(x)
        let gradient = targets.map { $0 - 0.25 }
        let hessian = targets.map { 0.5 + abs($0) / 8 }
        var settings = BoostingKernelTests.estimator(maxIter: 1)
        settings.maxLeafNodes = 31
        settings.minSamplesLeaf = 5
        var dense = LeafWiseGrower(binned: binned, settings: settings)
        dense.sparsePasses = false
        var sparse = dense
        sparse.sparsePasses = true
        // Several trees in a row: the histograms are reused from one tree to the next.
        for round in 0..<3 {
            let shifted = gradient.map { $0 * Double(round + 1) }
            let (a, leavesA) = dense.grow(gradient: shifted, hessian: hessian)
            let (b, leavesB) = sparse.grow(gradient: shifted, hessian: hessian)
            #expect(a.nodeCount > 21)
            #expect(a == b)
            #expect(leavesA == leavesB)
        }
    }
}
