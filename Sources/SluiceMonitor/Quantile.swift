/// Quantiles by numpy's default rule (`np.quantile(x, q)`, method `"linear"`, type 7 of Hyndman & Fan).
public enum Quantile {
    /// The `q`-quantile of `sorted`, which must be sorted ascending and free of NaN.
    ///
    /// With `n` values, the virtual index is `h = (n − 1)·q`; with `i = ⌊h⌋` and `g = h − i`, the result is
    /// the linear interpolation of `sorted[i]` and `sorted[i + 1]` at `g`, computed as numpy's `_lerp` does:
    /// `a + (b − a)·g` when `g < 0.5`, else `b − (b − a)·(1 − g)`. `i + 1` is clamped to `n − 1`.
    ///
    /// - Parameters:
    ///   - sorted: the values, ascending, at least one.
    ///   - q: the probability, in [0, 1].
    /// - Returns: the quantile.
    /// - Complexity: O(1).
    public static func linear(_ sorted: [Double], _ q: Double) -> Double {
        precondition(!sorted.isEmpty, "Quantile.linear needs at least one value")
        let n = sorted.count
        let h = Double(n - 1) * q
        let lower = min(max(Int(h.rounded(.down)), 0), n - 1)
        let upper = min(lower + 1, n - 1)
        let g = h - h.rounded(.down)
        let a = sorted[lower], b = sorted[upper]
        let diff = b - a
        return g >= 0.5 ? b - diff * (1 - g) : a + diff * g
    }

    /// The nine deciles (q = 0.1, 0.2, …, 0.9, each computed as `i / 10`) of `values` by ``linear(_:_:)``.
    ///
    /// - Parameter values: the values in any order; NaN must have been removed.
    /// - Returns: nine values, ascending; empty when `values` is empty.
    /// - Complexity: O(n log n) for the sort.
    public static func deciles(_ values: [Double]) -> [Double] {
        if values.isEmpty { return [] }
        let sorted = values.sorted()
        return (1...9).map { linear(sorted, Double($0) / 10) }
    }
}
