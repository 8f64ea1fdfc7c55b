import Testing
@testable import SluiceLearn
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The blocked kernels of the linear estimators give what the straightforward loops give, and the
/// same bytes however many threads run them.
@Suite struct LinearKernelTests {
    /// A deterministic matrix with rows that are not a multiple of the block or lane width.
    static func matrix(rows: Int, cols: Int, seed: UInt64) -> Matrix {
        var state = seed
        var values = [Double](repeating: 0, count: rows * cols)
        for i in values.indices {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            values[i] = Double(Int64(bitPattern: state >> 11) % 2_000_001) / 500_000 - 2
        }
        return Matrix(rows: rows, cols: cols, values: values)
    }

    /// The objective as the row-by-row formula: scores, log loss, gradient of the mean plus penalty.
    static func naiveObjective(_ x: Matrix, _ y: [Int], outputs: Int, fitIntercept: Bool, penalty: Double,
                               _ w: [Double], _ grad: inout [Double]) -> Double {
        let n = x.rows, d = x.cols
        var loss = 0.0
        for j in grad.indices { grad[j] = 0 }
        for i in 0..<n {
            var z = [Double](repeating: 0, count: outputs)
            for o in 0..<outputs {
                z[o] = fitIntercept ? w[outputs * d + o] : 0
                for c in 0..<d { z[o] += w[o * d + c] * x[i, c] }
            }
            var residual = [Double](repeating: 0, count: outputs)
            if outputs == 1 {
                let t = y[i] == 1 ? 1.0 : 0.0
                loss += (z[0] > 0 ? z[0] + log1p(exp(-z[0])) : log1p(exp(z[0]))) - t * z[0]
                residual[0] = 1 / (1 + exp(-z[0])) - t
            } else {
                let top = z.max()!
                let lse = top + log(z.reduce(0) { $0 + exp($1 - top) })
                loss += lse - z[y[i]]
                for o in 0..<outputs { residual[o] = exp(z[o] - lse) - (o == y[i] ? 1 : 0) }
            }
            for o in 0..<outputs {
                for c in 0..<d { grad[o * d + c] += residual[o] * x[i, c] }
                if fitIntercept { grad[outputs * d + o] += residual[o] }
            }
        }
        var reg = 0.0
        for j in 0..<(outputs * d) { reg += w[j] * w[j] }
        for j in grad.indices { grad[j] /= Double(n) }
        for j in 0..<(outputs * d) { grad[j] += penalty * w[j] }
        return loss / Double(n) + 0.5 * penalty * reg
    }

    @Test(arguments: [(1, 2, true), (3, 3, true), (10, 10, false), (1, 2, false)])
    func logisticObjectiveMatchesTheRowByRowFormula(_ outputs: Int, _ classes: Int, _ fitIntercept: Bool) {
        for (rows, cols) in [(5, 3), (263, 7), (1031, 13)] {
            let x = Self.matrix(rows: rows, cols: cols, seed: UInt64(rows * 31 + cols))
            let y = (0..<rows).map { ($0 * 7 + $0 / 3) % classes }
            let width = outputs * cols + outputs
            let w = (0..<width).map { Double(($0 * 37) % 19) / 19 - 0.5 }
            let objective = LogisticObjective(x: x, y: y, outputs: outputs, fitIntercept: fitIntercept, penalty: 0.01)
            var fast = [Double](repeating: .nan, count: width), slow = fast
            let f = objective.evaluate(w, &fast)
            let g = Self.naiveObjective(x, y, outputs: outputs, fitIntercept: fitIntercept, penalty: 0.01, w, &slow)
            #expect(abs(f - g) <= 1e-12 * max(1, abs(g)), "\(rows)×\(cols): \(f) vs \(g)")
            for j in 0..<width {
                #expect(abs(fast[j] - slow[j]) <= 1e-12 * max(1, abs(slow[j])), "\(rows)×\(cols) gradient \(j): \(fast[j]) vs \(slow[j])")
            }
        }
    }

    @Test(arguments: [1, 4])
    func logisticObjectiveIsTheSameBytesOnOneThreadOrMany(_ outputs: Int) {
        let x = Self.matrix(rows: 20_011, cols: 9, seed: 5)
        let y = (0..<x.rows).map { $0 % max(outputs, 2) }
        let width = outputs * x.cols + outputs
        let w = (0..<width).map { Double($0 % 7) / 7 - 0.4 }
        let objective = LogisticObjective(x: x, y: y, outputs: outputs, fitIntercept: true, penalty: 1e-4)
        #expect(x.rows * objective.width >= 200_000, "large enough to run on several tasks")
        var many = [Double](repeating: 0, count: width), one = many
        let f = objective.evaluate(w, &many)
        objective.maxTasks = 1
        let g = objective.evaluate(w, &one)
        #expect(f.bitPattern == g.bitPattern)
        #expect(many.map(\.bitPattern) == one.map(\.bitPattern))
    }

    @Test func centredGramMatchesTheCentredCopy() {
        for (rows, cols) in [(3, 1), (257, 4), (5000, 11)] {
            let x = Self.matrix(rows: rows, cols: cols, seed: UInt64(rows + cols))
            let y = (0..<rows).map { Double(($0 * 13) % 29) / 3 + 1 }
            let means = CentredGram.means(x, centre: true)
            let yMean = y.reduce(0, +) / Double(rows)
            let (gram, xty) = CentredGram.compute(x, y, means: means, yMean: yMean)
            for i in 0..<cols {
                let naiveMean = (0..<rows).reduce(0.0) { $0 + x[$1, i] } / Double(rows)
                #expect(abs(means[i] - naiveMean) <= 1e-12)
                for j in 0..<cols {
                    let s = (0..<rows).reduce(0.0) { $0 + (x[$1, i] - naiveMean) * (x[$1, j] - means[j]) }
                    #expect(abs(gram[i * cols + j] - s) <= 1e-10 * max(1, abs(s)), "\(rows)×\(cols) [\(i), \(j)]")
                }
                let t = (0..<rows).reduce(0.0) { $0 + (x[$1, i] - means[i]) * (y[$1] - yMean) }
                #expect(abs(xty[i] - t) <= 1e-10 * max(1, abs(t)))
            }
        }
    }

    @Test func centredGramIsTheSameBytesOnOneThreadOrMany() {
        let x = Self.matrix(rows: 40_003, cols: 6, seed: 9)
        let y = (0..<x.rows).map { Double($0 % 17) }
        let means = CentredGram.means(x, centre: true)
        #expect(x.rows * x.cols * x.cols >= 1_000_000, "large enough to run on several threads")
        let many = CentredGram.compute(x, y, means: means, yMean: 8, parallel: true)
        let one = CentredGram.compute(x, y, means: means, yMean: 8, parallel: false)
        #expect(many.gram.map(\.bitPattern) == one.gram.map(\.bitPattern))
        #expect(many.xty.map(\.bitPattern) == one.xty.map(\.bitPattern))
    }

    /// Naive Bayes as it was fitted before the two-pass kernel: one statistic a pass, row order.
    static func naiveBayesOneStatisticAPass(_ x: Matrix, _ y: [Int], classes: Int, varSmoothing: Double) -> NaiveBayesModel {
        let n = x.rows, d = x.cols
        var counts = [Double](repeating: 0, count: classes)
        for k in y { counts[k] += 1 }
        var means = [Double](repeating: 0, count: classes * d)
        var variances = [Double](repeating: 0, count: classes * d)
        var largest = 0.0
        for c in 0..<d {
            let column = x.values[(c * n)..<((c + 1) * n)]
            let mean = column.reduce(0, +) / Double(n)
            largest = max(largest, column.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n))
            for (i, v) in column.enumerated() { means[y[i] * d + c] += v }
            for k in 0..<classes where counts[k] > 0 { means[k * d + c] /= counts[k] }
            for (i, v) in column.enumerated() {
                let diff = v - means[y[i] * d + c]
                variances[y[i] * d + c] += diff * diff
            }
            for k in 0..<classes where counts[k] > 0 { variances[k * d + c] /= counts[k] }
        }
        for i in variances.indices { variances[i] += varSmoothing * largest }
        return NaiveBayesModel(priors: counts.map { $0 / Double(n) }, means: means, variances: variances, features: d)
    }

    @Test(arguments: [(40, 3, 2), (200_003, 7, 3), (1000, 5, 4)])
    func naiveBayesGivesTheSameBytesAsOneStatisticAPass(_ rows: Int, _ cols: Int, _ classes: Int) {
        let x = Self.matrix(rows: rows, cols: cols, seed: UInt64(rows * 3 + cols))
        // The last class has no rows in the third case.
        let y = (0..<rows).map { ($0 * 5 + $0 / 7) % (classes == 4 ? 3 : classes) }
        let fast = NaiveBayesEstimator(varSmoothing: 1e-9).fit(x, y, classes: classes)
        let slow = Self.naiveBayesOneStatisticAPass(x, y, classes: classes, varSmoothing: 1e-9)
        #expect(fast.priors.map(\.bitPattern) == slow.priors.map(\.bitPattern))
        #expect(fast.means.map(\.bitPattern) == slow.means.map(\.bitPattern))
        #expect(fast.variances.map(\.bitPattern) == slow.variances.map(\.bitPattern))
    }
}
