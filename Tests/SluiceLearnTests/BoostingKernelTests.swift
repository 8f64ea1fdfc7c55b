import Glibc
import Testing
@testable import SluiceLearn

/// The gradient-boosting kernels give what the straightforward code gives: the K trees of a
/// softmax iteration grown on both cores are the trees grown one after another (segments big
/// enough to be summed in two halves included). Batch prediction of boosted models is checked
/// against the per-row path with every other family in BatchPredictionTests.
@Suite struct BoostingKernelTests {
    /// `rows` rows of `cols` features (one of them with few distinct values), with `classes`
    /// classes that depend on the features, from a fixed seed.
    static func data(rows: Int, cols: Int, classes: Int, seed: UInt64) -> (Matrix, [Int], [Double]) {
        var rng = SplitMix64(seed: seed)
        var values = [Double](repeating: 0, count: rows * cols)
        for c in 0..<cols {
            for r in 0..<rows {
                let u = Double(rng.next() >> 11) / Double(1 << 53)
                values[c * rows + r] = c == 0 ? Double(Int(u * 5)) : u * 4 - 2
            }
        }
        let x = Matrix(rows: rows, cols: cols, values: values)
        var labels: [Int] = []
        var targets: [Double] = []
        for r in 0..<rows {
            let noise = Double(rng.next() >> 11) / Double(1 << 53)
            let score = x[r, 1] + 0.5 * x[r, 2] * x[r, 0] - x[r, cols - 1] + noise
            targets.append(score)
            labels.append(min(classes - 1, max(0, Int((score + 3) / 6 * Double(classes)))))
        }
        return (x, labels, targets)
    }

    static func estimator(maxIter: Int) -> GradientBoostingEstimator {
        GradientBoostingEstimator(learningRate: 0.1, maxIter: maxIter, maxLeafNodes: 15, maxDepth: nil, minSamplesLeaf: 20, l2Regularization: 0,
                                  maxBins: 255, earlyStopping: false, validationFraction: 0.1, nIterNoChange: 10, tol: 1e-7, seed: 0)
    }

    @Test(arguments: [3, 4, 5])
    func treesOfAnIterationGrownOnBothCoresAreTheSequentialTrees(classes: Int) {
        // 9,000 rows: the root's passes are summed in two halves.
        let (x, y, _) = Self.data(rows: 9000, cols: 6, classes: classes, seed: UInt64(classes))
        var sequential = Self.estimator(maxIter: 4)
        sequential.parallelClasses = false
        let parallel = Self.estimator(maxIter: 4)
        let a = sequential.fit(x, classes: y, count: classes)
        let b = parallel.fit(x, classes: y, count: classes)
        #expect(a.trees.count == 4 * classes)
        #expect(a == b)
    }

    @Test func softmaxOfClassMajorScoresOnTwoThreadsIsTheRowByRowSoftmax() {
        // 30,000 rows × 3 classes: split in two row ranges on two threads.
        let n = 30_000, classes = 3
        var rng = SplitMix64(seed: 7)
        var raw = (0..<(n * classes)).map { _ in Double(rng.next() >> 11) / Double(1 << 53) * 8 - 4 }
        // Ties for the top score, and infinite scores (exp(inf - inf) is NaN, as before).
        raw[5] = raw[n + 5]
        raw[7] = .infinity
        raw[2 * n + 9] = -.infinity
        let loss = BoostingLoss.multinomialLogLoss([Int](repeating: 0, count: n), classes: classes)
        var softmax = [Double](repeating: 0, count: n * classes)
        raw.withUnsafeBufferPointer { r in
            softmax.withUnsafeMutableBufferPointer { loss.iterationProbabilities(r.baseAddress!, rows: n, into: $0.baseAddress!) }
        }
        var expected = [Double](repeating: 0, count: n * classes)
        for i in 0..<n {
            let scores = (0..<classes).map { raw[$0 * n + i] }
            let top = scores.max()!
            let e = scores.map { exp($0 - top) }
            var sum = 0.0
            for v in e { sum += v }
            for k in 0..<classes { expected[k * n + i] = e[k] / sum }
        }
        #expect(softmax.elementsEqual(expected) { $0 == $1 || ($0.isNaN && $1.isNaN) })
        #expect(softmax[7].isNaN)
    }

    @Test func passesOnTwoThreadsGrowTheTreeOfOneThread() {
        // 9,000 rows: the root is summed in two halves, middle-sized leaves by features.
        let (x, _, targets) = Self.data(rows: 9000, cols: 7, classes: 2, seed: 3)
        let binned = BinnedMatrix(x)
        let gradient = targets.map { $0 - 0.25 }
        let hessian = targets.map { 0.5 + abs($0) / 8 }
        var one = LeafWiseGrower(binned: binned, settings: Self.estimator(maxIter: 1))
        one.parallelPasses = false
        var two = one
        two.parallelPasses = true
        let (a, leavesA) = one.grow(gradient: gradient, hessian: hessian)
        let (b, leavesB) = two.grow(gradient: gradient, hessian: hessian)
        #expect(a.nodeCount == 29)
        #expect(a == b)
        #expect(leavesA == leavesB)
    }
}
