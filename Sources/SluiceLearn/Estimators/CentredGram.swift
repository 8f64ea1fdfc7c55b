import Dispatch

/// The normal equations' sums for ``LinearRegressionEstimator``: `XcᵀXc` and `Xcᵀyc`, where `Xc`
/// and `yc` are the columns of a column-major matrix and the target minus their means, in one
/// pass over the rows and without a centred copy of the matrix.
///
/// The rows are taken in fixed blocks of ``blockRows``: a block's centred rows are copied into a
/// small buffer (it stays in cache), and every upper-triangle entry gets the block's dot product
/// (eight lanes, added in a fixed order). Consecutive blocks form at most ``maxChunks`` chunks,
/// each adding its blocks' sums in order into a slot of its own; the slots are added in chunk
/// order. Chunks run on all cores for large matrices; neither the chunks nor the order of the sums
/// depend on the threads, so the result is the same bytes however they are scheduled.
enum CentredGram {
    static let blockRows = 256
    static let maxChunks = 64

    /// The column means (`0` each when `centre` is false), summed in a fixed order.
    static func means(_ x: Matrix, centre: Bool) -> [Double] {
        guard centre, x.rows > 0 else { return [Double](repeating: 0, count: x.cols) }
        return x.values.withUnsafeBufferPointer { xs in
            (0..<x.cols).map { c in sum(xs.baseAddress! + c * x.rows, x.rows) / Double(x.rows) }
        }
    }

    /// The sum of `count` values in a fixed order: eight lanes, the lanes pairwise, then the tail.
    static func sum(_ p: UnsafePointer<Double>, _ count: Int) -> Double {
        var a = SIMD8<Double>(repeating: 0)
        let raw = UnsafeRawPointer(p)
        var i = 0
        while i + 8 <= count {
            a += raw.loadUnaligned(fromByteOffset: i * 8, as: SIMD8<Double>.self)
            i += 8
        }
        var s = lanes(a)
        while i < count { s += p[i]; i += 1 }
        return s
    }

    /// `gram[i * d + j] = Σ_r (x[r, i] − means[i]) · (x[r, j] − means[j])` (both triangles) and
    /// `xty[i] = Σ_r (x[r, i] − means[i]) · (y[r] − yMean)`.
    /// - Parameter parallel: `false` runs on the calling thread (the result does not depend on it).
    static func compute(_ x: Matrix, _ y: [Double], means: [Double], yMean: Double, parallel: Bool = true) -> (gram: [Double], xty: [Double]) {
        let n = x.rows, d = x.cols
        let blocks = (n + blockRows - 1) / blockRows
        let per = max(1, (blocks + maxChunks - 1) / maxChunks)
        let chunks = (blocks + per - 1) / per
        // Slot layout: (d + 1) × (d + 1), row i holding Σ xc_i · xc_j for j in i...d (column d is y).
        let side = d + 1
        var partials = [Double](repeating: 0, count: chunks * side * side)
        x.values.withUnsafeBufferPointer { xs in
            y.withUnsafeBufferPointer { ys in
                means.withUnsafeBufferPointer { ms in
                    partials.withUnsafeMutableBufferPointer { ps in
                        let pass = Pass(x: xs.baseAddress!, y: ys.baseAddress!, means: ms.baseAddress!, yMean: yMean,
                                        out: ps.baseAddress!, n: n, d: d, blocksPerChunk: per)
                        if parallel && chunks > 1 && n * d * d >= 1_000_000 {
                            DispatchQueue.concurrentPerform(iterations: chunks) { pass.run(chunk: $0) }
                        } else {
                            for chunk in 0..<chunks { pass.run(chunk: chunk) }
                        }
                    }
                }
            }
        }
        var total = [Double](repeating: 0, count: side * side)
        for chunk in 0..<chunks {
            let base = chunk * side * side
            for j in 0..<(side * side) { total[j] += partials[base + j] }
        }
        var gram = [Double](repeating: 0, count: d * d)
        var xty = [Double](repeating: 0, count: d)
        for i in 0..<d {
            for j in i..<d {
                gram[i * d + j] = total[i * side + j]
                gram[j * d + i] = total[i * side + j]
            }
            xty[i] = total[i * side + d]
        }
        return (gram, xty)
    }

    private struct Pass: @unchecked Sendable {
        let x: UnsafePointer<Double>
        let y: UnsafePointer<Double>
        let means: UnsafePointer<Double>
        let yMean: Double
        let out: UnsafeMutablePointer<Double>
        let n: Int, d: Int
        let blocksPerChunk: Int

        func run(chunk: Int) {
            let rows = CentredGram.blockRows
            let side = d + 1
            // The block's centred columns, then its centred target, each `rows` long.
            let block = UnsafeMutablePointer<Double>.allocate(capacity: side * rows)
            defer { block.deallocate() }
            let slot = out + chunk * side * side
            slot.update(repeating: 0, count: side * side)
            let blocks = (n + rows - 1) / rows
            for b in (chunk * blocksPerChunk)..<min(blocks, (chunk + 1) * blocksPerChunk) {
                let r0 = b * rows
                let m = min(rows, n - r0)
                for c in 0..<side {
                    let source = c < d ? x + c * n + r0 : y + r0
                    let mean = c < d ? means[c] : yMean
                    let target = block + c * rows
                    for i in 0..<m { target[i] = source[i] - mean }
                }
                for i in 0..<d {
                    let a = block + i * rows
                    for j in i...d {
                        slot[i * side + j] += CentredGram.dot(a, block + j * rows, m)
                    }
                }
            }
        }
    }

    /// `Σ a[i] · b[i]` over `count` values in a fixed order: eight lanes, the lanes pairwise, the tail.
    @inline(__always)
    static func dot(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ count: Int) -> Double {
        var acc = SIMD8<Double>(repeating: 0)
        let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
        var i = 0
        while i + 8 <= count {
            acc += ra.loadUnaligned(fromByteOffset: i * 8, as: SIMD8<Double>.self) * rb.loadUnaligned(fromByteOffset: i * 8, as: SIMD8<Double>.self)
            i += 8
        }
        var s = lanes(acc)
        while i < count { s += a[i] * b[i]; i += 1 }
        return s
    }

    @inline(__always)
    static func lanes(_ a: SIMD8<Double>) -> Double {
        ((a[0] + a[4]) + (a[2] + a[6])) + ((a[1] + a[5]) + (a[3] + a[7]))
    }
}
