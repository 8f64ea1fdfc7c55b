import SluiceCore

/// A non-decreasing map from a classifier's max-probability to the probability that its prediction is
/// correct, fitted by isotonic regression on labelled held-out rows.
///
/// Fitting follows scikit-learn's `IsotonicRegression(out_of_bounds="clip")`: the rows are sorted by score;
/// rows with equal scores are pooled into their mean; pool-adjacent-violators merges every non-increasing
/// run of adjacent blocks into its weighted mean; and the knots are the distinct scores with their fitted
/// values, without the inner points of flat runs. Prediction interpolates linearly between knots and clips
/// outside them. When there are more than ``maxKnots`` knots, ``maxKnots`` of them are kept at evenly
/// spaced knot indices (the first and last included), which keeps the map non-decreasing but no longer
/// equal to scikit-learn's.
public struct IsotonicCalibration: Equatable, Sendable {
    /// The largest number of knots kept (64).
    public static let maxKnots = 64

    /// The scores of the knots, strictly ascending.
    public let xs: [Double]
    /// The fitted values at the knots, non-decreasing.
    public let ys: [Double]

    /// Fits the map.
    ///
    /// - Parameters:
    ///   - scores: each row's score (for example the max-probability), finite.
    ///   - outcomes: each row's target, usually 1 for a correct prediction and 0 otherwise.
    /// - Throws: ``MonitorError`` when the inputs are empty, of different lengths, or not finite.
    /// - Complexity: O(n log n).
    public init(scores: [Double], outcomes: [Double]) throws(MonitorError) {
        guard !scores.isEmpty else { throw MonitorError("isotonic calibration needs at least one labelled row") }
        guard scores.count == outcomes.count else {
            throw MonitorError("isotonic calibration needs one outcome per score, got \(scores.count) scores and \(outcomes.count) outcomes")
        }
        guard scores.allSatisfy(\.isFinite), outcomes.allSatisfy(\.isFinite) else {
            throw MonitorError("isotonic calibration needs finite scores and outcomes")
        }
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        // Distinct scores, each with the mean outcome and the number of rows.
        var ux: [Double] = [], uy: [Double] = [], uw: [Double] = []
        for i in order {
            if let last = ux.last, last == scores[i] {
                uy[uy.count - 1] += outcomes[i]
                uw[uw.count - 1] += 1
            } else {
                ux.append(scores[i]); uy.append(outcomes[i]); uw.append(1)
            }
        }
        for i in uy.indices { uy[i] /= uw[i] }
        let fitted = Self.poolAdjacentViolators(uy, weights: uw)
        // Knots: drop the inner points of flat runs.
        var kx: [Double] = [], ky: [Double] = []
        for i in ux.indices {
            let inner = i > 0 && i < ux.count - 1 && fitted[i - 1] == fitted[i] && fitted[i] == fitted[i + 1]
            if !inner { kx.append(ux[i]); ky.append(fitted[i]) }
        }
        if kx.count > Self.maxKnots {
            let keep = (0..<Self.maxKnots).map { j in (j * (kx.count - 1) + (Self.maxKnots - 1) / 2) / (Self.maxKnots - 1) }
            kx = keep.map { kx[$0] }
            ky = keep.map { ky[$0] }
        }
        xs = kx
        ys = ky
    }

    /// A map with the given knots.
    ///
    /// - Throws: ``MonitorError`` when the knots are empty, more than ``maxKnots``, of different lengths,
    ///   not strictly ascending in x, or decreasing in y.
    public init(xs: [Double], ys: [Double]) throws(MonitorError) {
        guard !xs.isEmpty, xs.count == ys.count, xs.count <= Self.maxKnots else {
            throw MonitorError("a calibration map needs 1 to \(Self.maxKnots) knots, with as many xs as ys")
        }
        guard xs.allSatisfy(\.isFinite), ys.allSatisfy(\.isFinite) else { throw MonitorError("calibration knots must be finite") }
        for i in xs.indices.dropFirst() where !(xs[i - 1] < xs[i]) || ys[i - 1] > ys[i] {
            throw MonitorError("calibration knots must ascend strictly in x and not decrease in y")
        }
        self.xs = xs
        self.ys = ys
    }

    /// The calibrated value at `score`: linear between knots, the end value outside them.
    ///
    /// - Complexity: O(log knots).
    public func predict(_ score: Double) -> Double {
        if xs.count == 1 || score <= xs[0] { return ys[0] }
        if score >= xs[xs.count - 1] { return ys[ys.count - 1] }
        // The first knot with x ≥ score; score lies in (xs[hi − 1], xs[hi]].
        var lo = 0, hi = xs.count - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if xs[mid] < score { lo = mid + 1 } else { hi = mid }
        }
        let x0 = xs[hi - 1], y0 = ys[hi - 1]
        let slope = (ys[hi] - y0) / (xs[hi] - x0)
        return slope * (score - x0) + y0
    }

    /// The JSON form: `{"xs": [...], "ys": [...]}`.
    public var json: JSON { ["xs": .numbers(xs), "ys": .numbers(ys)] }

    /// Reads the form written by ``json``.
    ///
    /// - Throws: ``MonitorError`` when a field is missing or the knots are not valid.
    public init(json: JSON) throws(MonitorError) {
        guard let x = json["xs"]?.arrayValue, let y = json["ys"]?.arrayValue else {
            throw MonitorError("a calibration map needs \"xs\" and \"ys\", arrays of numbers")
        }
        let xv = x.compactMap(\.doubleValue), yv = y.compactMap(\.doubleValue)
        guard xv.count == x.count, yv.count == y.count else { throw MonitorError("\"xs\" and \"ys\" must hold only numbers") }
        try self.init(xs: xv, ys: yv)
    }

    /// Pool-adjacent-violators for a non-decreasing fit: each value's weighted block mean.
    static func poolAdjacentViolators(_ y: [Double], weights w: [Double]) -> [Double] {
        // Blocks as (sum of w·y, sum of w, number of values).
        var sums: [Double] = [], weights: [Double] = [], sizes: [Int] = []
        for i in y.indices {
            sums.append(w[i] * y[i]); weights.append(w[i]); sizes.append(1)
            while sums.count > 1, sums[sums.count - 2] / weights[weights.count - 2] >= sums[sums.count - 1] / weights[weights.count - 1] {
                let s = sums.removeLast(), ww = weights.removeLast(), n = sizes.removeLast()
                sums[sums.count - 1] += s; weights[weights.count - 1] += ww; sizes[sizes.count - 1] += n
            }
        }
        var out: [Double] = []
        out.reserveCapacity(y.count)
        for b in sums.indices { out.append(contentsOf: repeatElement(sums[b] / weights[b], count: sizes[b])) }
        return out
    }
}
