/// Solvers for symmetric positive (semi-)definite systems.
enum SymmetricSolver {
    /// Solves `A x = b` by Cholesky; `nil` when `A` is not (numerically) positive definite.
    static func cholesky(_ a: [Double], _ b: [Double], _ d: Int) -> [Double]? {
        var l = [Double](repeating: 0, count: d * d)
        var scale = 0.0
        for i in 0..<d { scale = max(scale, abs(a[i * d + i])) }
        for i in 0..<d {
            for j in 0...i {
                var s = a[i * d + j]
                for k in 0..<j { s -= l[i * d + k] * l[j * d + k] }
                if i == j {
                    guard s > 1e-12 * max(scale, 1e-300) else { return nil }
                    l[i * d + i] = s.squareRoot()
                } else {
                    l[i * d + j] = s / l[j * d + j]
                }
            }
        }
        var y = [Double](repeating: 0, count: d)
        for i in 0..<d {
            var s = b[i]
            for k in 0..<i { s -= l[i * d + k] * y[k] }
            y[i] = s / l[i * d + i]
        }
        var x = [Double](repeating: 0, count: d)
        for i in stride(from: d - 1, through: 0, by: -1) {
            var s = y[i]
            for k in (i + 1)..<d { s -= l[k * d + i] * x[k] }
            x[i] = s / l[i * d + i]
        }
        return x
    }

    /// The minimum-norm least-squares solution of `A x = b` through the eigendecomposition of `A`
    /// (cyclic Jacobi), discarding eigenvalues below `1e-12 ×` the largest.
    static func minimumNorm(_ a: [Double], _ b: [Double], _ d: Int) -> [Double] {
        var m = a
        var v = [Double](repeating: 0, count: d * d)
        for i in 0..<d { v[i * d + i] = 1 }
        for _ in 0..<100 {
            var off = 0.0
            for i in 0..<d { for j in (i + 1)..<d { off += m[i * d + j] * m[i * d + j] } }
            if off < 1e-30 { break }
            for p in 0..<d {
                for q in (p + 1)..<d where abs(m[p * d + q]) > 1e-300 {
                    let theta = (m[q * d + q] - m[p * d + p]) / (2 * m[p * d + q])
                    let t = (theta >= 0 ? 1.0 : -1.0) / (abs(theta) + (theta * theta + 1).squareRoot())
                    let c = 1 / (t * t + 1).squareRoot(), s = t * c
                    for k in 0..<d {
                        let mkp = m[k * d + p], mkq = m[k * d + q]
                        m[k * d + p] = c * mkp - s * mkq
                        m[k * d + q] = s * mkp + c * mkq
                    }
                    for k in 0..<d {
                        let mpk = m[p * d + k], mqk = m[q * d + k]
                        m[p * d + k] = c * mpk - s * mqk
                        m[q * d + k] = s * mpk + c * mqk
                    }
                    for k in 0..<d {
                        let vkp = v[k * d + p], vkq = v[k * d + q]
                        v[k * d + p] = c * vkp - s * vkq
                        v[k * d + q] = s * vkp + c * vkq
                    }
                }
            }
        }
        let eigen = (0..<d).map { m[$0 * d + $0] }
        let cutoff = 1e-12 * (eigen.map(abs).max() ?? 0)
        var x = [Double](repeating: 0, count: d)
        for k in 0..<d where eigen[k] > cutoff {
            var proj = 0.0
            for i in 0..<d { proj += v[i * d + k] * b[i] }
            let coef = proj / eigen[k]
            for i in 0..<d { x[i] += coef * v[i * d + k] }
        }
        return x
    }
}
