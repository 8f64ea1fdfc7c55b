import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The function ``LogisticRegressionClassifier`` minimises, `(1/n) · Σ loss + ½ · penalty · ‖W‖²`
/// (binary log loss for one output, softmax cross-entropy for more; the intercepts unpenalised),
/// and its gradient, over a column-major matrix.
///
/// The rows are taken in fixed blocks of ``blockRows``. A block computes its scores (the block of X
/// times Wᵀ, eight rows × two outputs in registers at a time), its loss and residuals (one `exp`
/// per output and row), and its share of the gradient (residualsᵀ × the block of X, while the
/// block is still in cache). Consecutive blocks form at most ``maxChunks`` chunks, each adding its
/// blocks' shares in order into a slot of its own; the slots are then added in chunk order.
/// Chunks run on all cores for large matrices, but neither the chunks nor the order of the sums
/// depend on the threads, so the result is the same bytes however they are scheduled.
final class LogisticObjective {
    /// Rows per block: a block's scores and residuals (2 × outputs × blockRows doubles) stay in L1
    /// for ten outputs, its rows of X in L2.
    static let blockRows = 256
    /// At most this many chunks (and gradient slots) per evaluation, whatever the size.
    static let maxChunks = 64

    let x: Matrix
    let y: [Int]
    /// 1 (binary, sigmoid) or the number of classes (softmax).
    let outputs: Int
    let fitIntercept: Bool
    /// The L2 penalty's weight, `1 / (C · n)`.
    let penalty: Double
    /// 1 runs every evaluation on the calling thread (the result does not depend on it).
    var maxTasks = Int.max
    /// Per chunk: outputs × cols weight gradients, outputs intercept gradients, the loss.
    private var partials: [Double]

    init(x: Matrix, y: [Int], outputs: Int, fitIntercept: Bool, penalty: Double) {
        self.x = x
        self.y = y
        self.outputs = outputs
        self.fitIntercept = fitIntercept
        self.penalty = penalty
        partials = [Double](repeating: 0, count: Self.chunking(rows: x.rows).chunks * (outputs * x.cols + outputs + 1))
    }

    /// Blocks per chunk and chunks for `rows` rows: a function of the size alone.
    static func chunking(rows: Int) -> (blocksPerChunk: Int, chunks: Int) {
        let blocks = (rows + blockRows - 1) / blockRows
        let per = max(1, (blocks + maxChunks - 1) / maxChunks)
        return (per, (blocks + per - 1) / per)
    }

    /// The number of parameters: outputs × cols weights (output-major), then outputs intercepts.
    var width: Int { outputs * x.cols + outputs }

    /// Returns the objective at `w` and writes its gradient into `grad` (`width` values).
    func evaluate(_ w: [Double], _ grad: inout [Double]) -> Double {
        let n = x.rows, d = x.cols, k = outputs
        let (per, chunks) = Self.chunking(rows: n)
        let stride = width + 1
        // Enough work per call to pay for waking a second thread (about 0.2 ms of arithmetic).
        let parallel = n * width >= 200_000 && maxTasks > 1 && chunks > 1
        x.values.withUnsafeBufferPointer { xs in
            w.withUnsafeBufferPointer { ws in
                y.withUnsafeBufferPointer { ys in
                    partials.withUnsafeMutableBufferPointer { ps in
                        let pass = Pass(x: xs.baseAddress!, y: ys.baseAddress!, w: ws.baseAddress!, out: ps.baseAddress!,
                                        n: n, d: d, k: k, fitIntercept: fitIntercept, blocksPerChunk: per)
                        if parallel {
                            DispatchQueue.concurrentPerform(iterations: chunks) { pass.run(chunk: $0) }
                        } else {
                            for chunk in 0..<chunks { pass.run(chunk: chunk) }
                        }
                    }
                }
            }
        }
        var loss = 0.0
        for j in 0..<width { grad[j] = 0 }
        for chunk in 0..<chunks {
            let base = chunk * stride
            for j in 0..<width { grad[j] += partials[base + j] }
            loss += partials[base + width]
        }
        let scale = 1 / Double(n)
        var reg = 0.0
        for j in 0..<(k * d) {
            reg += w[j] * w[j]
            grad[j] = grad[j] * scale + penalty * w[j]
        }
        for j in (k * d)..<width { grad[j] *= scale }
        return loss * scale + 0.5 * penalty * reg
    }

    /// One evaluation's pointers; `run` fills the slot of a chunk.
    private struct Pass: @unchecked Sendable {
        let x: UnsafePointer<Double>
        let y: UnsafePointer<Int>
        let w: UnsafePointer<Double>
        let out: UnsafeMutablePointer<Double>
        let n: Int, d: Int, k: Int
        let fitIntercept: Bool
        let blocksPerChunk: Int

        func run(chunk: Int) {
            let rows = LogisticObjective.blockRows
            let scores = UnsafeMutablePointer<Double>.allocate(capacity: k * rows)
            defer { scores.deallocate() }
            let stride = k * d + k + 1
            let slot = out + chunk * stride
            slot.update(repeating: 0, count: stride)
            let blocks = (n + rows - 1) / rows
            for b in (chunk * blocksPerChunk)..<min(blocks, (chunk + 1) * blocksPerChunk) {
                let r0 = b * rows
                let m = min(rows, n - r0)
                computeScores(r0: r0, m: m, into: scores)
                // Residuals overwrite the scores in place.
                slot[k * d + k] += k == 1 ? sigmoidResiduals(r0: r0, m: m, scores) : softmaxResiduals(r0: r0, m: m, scores)
                accumulateGradient(r0: r0, m: m, residuals: scores, into: slot)
            }
        }

        /// `scores[o * blockRows + i] = b_o + Σ_c W[o, c] · x[r0 + i, c]`, summed in column order.
        private func computeScores(r0: Int, m: Int, into scores: UnsafeMutablePointer<Double>) {
            let rows = LogisticObjective.blockRows
            let full = m - m % 8
            var o = 0
            while o < k {
                let pair = o + 1 < k
                let w0 = w + o * d, w1 = w + (pair ? o + 1 : o) * d
                let b0 = fitIntercept ? w[k * d + o] : 0
                let b1 = fitIntercept && pair ? w[k * d + o + 1] : 0
                let s0 = scores + o * rows, s1 = scores + (pair ? o + 1 : o) * rows
                var i = 0
                while i < full {
                    var a0 = SIMD8<Double>(repeating: b0), a1 = SIMD8<Double>(repeating: b1)
                    var column = UnsafeRawPointer(x + r0 + i)
                    for c in 0..<d {
                        let v = column.loadUnaligned(as: SIMD8<Double>.self)
                        a0 += w0[c] * v
                        a1 += w1[c] * v
                        column += n * MemoryLayout<Double>.stride
                    }
                    UnsafeMutableRawPointer(s1 + i).storeBytes(of: a1, as: SIMD8<Double>.self)
                    UnsafeMutableRawPointer(s0 + i).storeBytes(of: a0, as: SIMD8<Double>.self)
                    i += 8
                }
                while i < m {
                    var a0 = b0, a1 = b1
                    for c in 0..<d {
                        let v = x[c * n + r0 + i]
                        a0 += w0[c] * v
                        a1 += w1[c] * v
                    }
                    s1[i] = a1
                    s0[i] = a0
                    i += 1
                }
                o += 2
            }
        }

        /// Binary: turns scores into residuals `σ(z) − t` and returns the block's summed log loss.
        private func sigmoidResiduals(r0: Int, m: Int, _ s: UnsafeMutablePointer<Double>) -> Double {
            var loss = 0.0
            for i in 0..<m {
                let z = s[i]
                let t = y[r0 + i] == 1 ? 1.0 : 0.0
                let e = exp(-abs(z))  // one exp serves the loss and the probability
                loss += max(z, 0) + log1p(e) - t * z
                s[i] = (z >= 0 ? 1 / (1 + e) : e / (1 + e)) - t
            }
            return loss
        }

        /// Softmax: turns scores into residuals `p_o − [o = y]` and returns the block's summed
        /// cross-entropy.
        private func softmaxResiduals(r0: Int, m: Int, _ s: UnsafeMutablePointer<Double>) -> Double {
            let rows = LogisticObjective.blockRows
            var loss = 0.0
            for i in 0..<m {
                var top = -Double.infinity
                for o in 0..<k { top = max(top, s[o * rows + i]) }
                let label = y[r0 + i]
                let picked = s[label * rows + i]
                var sum = 0.0
                for o in 0..<k {
                    let e = exp(s[o * rows + i] - top)
                    s[o * rows + i] = e
                    sum += e
                }
                loss += top + log(sum) - picked
                let inverse = 1 / sum
                for o in 0..<k { s[o * rows + i] *= inverse }
                s[label * rows + i] -= 1
            }
            return loss
        }

        /// Adds `Σ_i r[o, i] · x[r0 + i, c]` to `slot[o * d + c]` and `Σ_i r[o, i]` to `slot[k * d + o]`, each
        /// over the block in a fixed order (eight lanes, then the lanes added pairwise, then the tail).
        private func accumulateGradient(r0: Int, m: Int, residuals r: UnsafeMutablePointer<Double>, into slot: UnsafeMutablePointer<Double>) {
            let rows = LogisticObjective.blockRows
            let full = m - m % 8
            var o = 0
            while o < k {
                let pair = o + 1 < k
                let r0p = UnsafeRawPointer(r + o * rows), r1p = UnsafeRawPointer(r + (pair ? o + 1 : o) * rows)
                let g0 = slot + o * d, g1 = slot + (pair ? o + 1 : o) * d
                for c in 0...d {
                    // c == d: the intercepts' gradient, the residuals' sum.
                    let column = c < d ? x + c * n + r0 : nil
                    var a0 = SIMD8<Double>(repeating: 0), a1 = SIMD8<Double>(repeating: 0)
                    var i = 0
                    if let column {
                        let cp = UnsafeRawPointer(column)
                        while i < full {
                            let v = cp.loadUnaligned(fromByteOffset: i * 8, as: SIMD8<Double>.self)
                            a0 += r0p.loadUnaligned(fromByteOffset: i * 8, as: SIMD8<Double>.self) * v
                            a1 += r1p.loadUnaligned(fromByteOffset: i * 8, as: SIMD8<Double>.self) * v
                            i += 8
                        }
                    } else {
                        while i < full {
                            a0 += r0p.loadUnaligned(fromByteOffset: i * 8, as: SIMD8<Double>.self)
                            a1 += r1p.loadUnaligned(fromByteOffset: i * 8, as: SIMD8<Double>.self)
                            i += 8
                        }
                    }
                    var t0 = Self.lanes(a0), t1 = Self.lanes(a1)
                    let q0 = r + o * rows, q1 = r + (pair ? o + 1 : o) * rows
                    while i < m {
                        let v = column?[i] ?? 1
                        t0 += q0[i] * v
                        t1 += q1[i] * v
                        i += 1
                    }
                    if c < d {
                        if pair { g1[c] += t1 }
                        g0[c] += t0
                    } else if fitIntercept {
                        if pair { slot[k * d + o + 1] += t1 }
                        slot[k * d + o] += t0
                    }
                }
                o += 2
            }
        }

        /// The sum of eight lanes in a fixed order.
        @inline(__always)
        private static func lanes(_ a: SIMD8<Double>) -> Double {
            ((a[0] + a[4]) + (a[2] + a[6])) + ((a[1] + a[5]) + (a[3] + a[7]))
        }
    }
}
