#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Drift statistics between a reference and a current distribution on the same bins.
///
/// Each statistic takes two histograms on equal ``ReferenceBins`` (or two proportion vectors of equal
/// length, in bin order) and compares their proportions; the `missing` (and `other`) bins take part like
/// any other bin.
public enum Drift {
    /// The proportion that replaces an empty bin's proportion in ``psi(reference:current:)-(Histogram,Histogram)``.
    public static let epsilon = 1e-4

    /// The population stability index, Σ (c − r)·ln(c / r).
    ///
    /// `r` and `c` are the reference and current proportions of each bin. A proportion that is exactly 0, on
    /// either side, is replaced by ``epsilon`` (1e-4) before the sum; the other proportions are left as they
    /// are (no renormalisation). A bin empty on both sides therefore adds 0.
    ///
    /// - Throws: ``MonitorError`` when the bins differ or a histogram is empty.
    /// - Complexity: O(bins).
    public static func psi(reference: Histogram, current: Histogram) throws(MonitorError) -> Double {
        let (r, c) = try proportions(reference, current)
        return psi(reference: r, current: c)
    }

    /// The population stability index of two proportion vectors of equal length (see the histogram form).
    public static func psi(reference r: [Double], current c: [Double]) -> Double {
        precondition(r.count == c.count, "PSI needs proportions on the same bins")
        var sum = 0.0
        for i in r.indices {
            let ri = r[i] == 0 ? epsilon : r[i]
            let ci = c[i] == 0 ? epsilon : c[i]
            sum += (ci - ri) * log(ci / ri)
        }
        return sum
    }

    /// The binned Kolmogorov–Smirnov statistic: the largest |CDF_ref − CDF_cur| over the bins.
    ///
    /// The cumulative sums run in bin order (`missing` last), the L∞ distance SageMaker Model Monitor
    /// reports as `baseline_drift_check`.
    ///
    /// - Throws: ``MonitorError`` when the bins differ or a histogram is empty.
    /// - Complexity: O(bins).
    public static func binnedKS(reference: Histogram, current: Histogram) throws(MonitorError) -> Double {
        let (r, c) = try proportions(reference, current)
        return binnedKS(reference: r, current: c)
    }

    /// The binned Kolmogorov–Smirnov statistic of two proportion vectors of equal length.
    public static func binnedKS(reference r: [Double], current c: [Double]) -> Double {
        precondition(r.count == c.count, "binned KS needs proportions on the same bins")
        var cr = 0.0, cc = 0.0, best = 0.0
        for i in r.indices {
            cr += r[i]
            cc += c[i]
            best = max(best, abs(cr - cc))
        }
        return best
    }

    /// The Jensen–Shannon distance with natural logarithms, as `scipy.spatial.distance.jensenshannon(r, c)`.
    ///
    /// With m = (r + c) / 2, the result is √((KL(r‖m) + KL(c‖m)) / 2), where a term with a zero proportion
    /// adds 0 (no ``epsilon`` here). It lies in [0, √ln 2].
    ///
    /// - Throws: ``MonitorError`` when the bins differ or a histogram is empty.
    /// - Complexity: O(bins).
    public static func jensenShannon(reference: Histogram, current: Histogram) throws(MonitorError) -> Double {
        let (r, c) = try proportions(reference, current)
        return jensenShannon(reference: r, current: c)
    }

    /// The Jensen–Shannon distance of two proportion vectors of equal length, each summing to 1.
    public static func jensenShannon(reference r: [Double], current c: [Double]) -> Double {
        precondition(r.count == c.count, "Jensen–Shannon needs proportions on the same bins")
        var left = 0.0, right = 0.0
        for i in r.indices {
            let m = (r[i] + c[i]) / 2
            if r[i] > 0 { left += r[i] * log(r[i] / m) }
            if c[i] > 0 { right += c[i] * log(c[i] / m) }
        }
        return ((left + right) / 2).squareRoot()
    }

    private static func proportions(_ reference: Histogram, _ current: Histogram) throws(MonitorError) -> ([Double], [Double]) {
        guard reference.bins == current.bins else { throw MonitorError("drift needs histograms on the same reference bins") }
        return (try reference.proportions(), try current.proportions())
    }
}
