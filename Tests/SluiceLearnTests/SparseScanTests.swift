import Testing
@testable import SluiceLearn

/// A leaf whose histogram a sparse pass filled is scanned for its split only at the bins its rows
/// touched (a bitmap), its other bins left unzeroed: the same trees, node for node, as scanning
/// every bin of a zeroed histogram.
@Suite struct SparseScanTests {
    @Test(arguments: [(600, 12, 5), (398, 30, 1), (398, 30, 20), (3000, 5, 5), (150, 4, 1)])
    func touchedBinScansGrowTheTreeOfFullScans(rows: Int, cols: Int, minLeaf: Int) {
        let (x, _, targets) = BoostingKernelTests.data(rows: rows, cols: cols, classes: 2, seed: UInt64(rows + cols))
        let binned = BinnedMatrix(x)
        let gradient = targets.map { $0 - 0.25 }
        let hessian = targets.map { 0.5 + abs($0) / 8 }
        var settings = BoostingKernelTests.estimator(maxIter: 1)
        settings.maxLeafNodes = 31
        settings.minSamplesLeaf = minLeaf
        var full = LeafWiseGrower(binned: binned, settings: settings)
        full.sparseScans = false
        var touched = full
        touched.sparseScans = true
        // Several trees in a row: the histograms (and their stale bins) are reused from one tree to the next.
        for round in 0..<4 {
            let shifted = gradient.map { $0 * Double(round + 1) - Double(round) / 10 }
            let (a, leavesA) = full.grow(gradient: shifted, hessian: hessian)
            let (b, leavesB) = touched.grow(gradient: shifted, hessian: hessian)
            #expect(a.nodeCount > 11)
            #expect(a == b)
            #expect(leavesA == leavesB)
        }
    }
}
