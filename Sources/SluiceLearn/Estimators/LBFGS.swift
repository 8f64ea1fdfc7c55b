/// Limited-memory BFGS for smooth unconstrained minimisation, with a backtracking line search
/// that enforces the Armijo condition.
///
/// Stops when the largest gradient component is at most `tolerance`, when the objective stops
/// improving (relative change below 1e-12), or after `maxIterations`.
struct LBFGS {
    var memory = 10
    var maxIterations: Int
    var tolerance: Double

    struct Result {
        var x: [Double]
        var value: Double
        var iterations: Int
        var converged: Bool
    }

    /// Minimises `objective`, which returns f(x) and writes ∇f(x) into its second argument.
    func minimize(from start: [Double], _ objective: ([Double], inout [Double]) -> Double) -> Result {
        let n = start.count
        var x = start
        var g = [Double](repeating: 0, count: n)
        var f = objective(x, &g)
        var s: [[Double]] = []
        var y: [[Double]] = []
        var rho: [Double] = []
        var newG = [Double](repeating: 0, count: n)
        var direction = [Double](repeating: 0, count: n)
        var alpha = [Double](repeating: 0, count: memory)
        for iteration in 0..<maxIterations {
            if maxAbs(g) <= tolerance { return Result(x: x, value: f, iterations: iteration, converged: true) }
            // Two-loop recursion: direction = -H g.
            for i in 0..<n { direction[i] = -g[i] }
            for j in stride(from: s.count - 1, through: 0, by: -1) {
                alpha[j] = rho[j] * dot(s[j], direction)
                axpy(-alpha[j], y[j], &direction)
            }
            if let lastS = s.last, let lastY = y.last {
                let gamma = dot(lastS, lastY) / dot(lastY, lastY)
                for i in 0..<n { direction[i] *= gamma }
            } else {
                let norm = dot(g, g).squareRoot()
                for i in 0..<n { direction[i] /= max(norm, 1) }
            }
            for j in 0..<s.count {
                let beta = rho[j] * dot(y[j], direction)
                axpy(alpha[j] - beta, s[j], &direction)
            }
            var slope = dot(g, direction)
            if slope >= 0 {  // not a descent direction: restart from steepest descent
                s.removeAll(); y.removeAll(); rho.removeAll()
                for i in 0..<n { direction[i] = -g[i] }
                slope = dot(g, direction)
            }
            var step = 1.0
            var newX = x
            var newF = f
            var accepted = false
            for _ in 0..<60 {
                for i in 0..<n { newX[i] = x[i] + step * direction[i] }
                newF = objective(newX, &newG)
                if newF.isFinite, newF <= f + 1e-4 * step * slope { accepted = true; break }
                step *= 0.5
            }
            if !accepted { return Result(x: x, value: f, iterations: iteration, converged: false) }
            var sk = [Double](repeating: 0, count: n)
            var yk = [Double](repeating: 0, count: n)
            for i in 0..<n { sk[i] = newX[i] - x[i]; yk[i] = newG[i] - g[i] }
            let sy = dot(sk, yk)
            if sy > 1e-10 * dot(yk, yk).squareRoot() * dot(sk, sk).squareRoot() {
                if s.count == memory { s.removeFirst(); y.removeFirst(); rho.removeFirst() }
                s.append(sk); y.append(yk); rho.append(1 / sy)
            }
            let previous = f
            x = newX
            f = newF
            swap(&g, &newG)
            if abs(previous - f) <= 1e-12 * max(abs(previous), abs(f), 1) {
                return Result(x: x, value: f, iterations: iteration + 1, converged: maxAbs(g) <= tolerance * 10)
            }
        }
        return Result(x: x, value: f, iterations: maxIterations, converged: maxAbs(g) <= tolerance)
    }

    private func dot(_ a: [Double], _ b: [Double]) -> Double {
        var s = 0.0
        for i in a.indices { s += a[i] * b[i] }
        return s
    }

    private func axpy(_ a: Double, _ x: [Double], _ y: inout [Double]) {
        for i in x.indices { y[i] += a * x[i] }
    }

    private func maxAbs(_ v: [Double]) -> Double {
        v.reduce(0) { max($0, abs($1)) }
    }
}
