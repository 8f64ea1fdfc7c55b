/// Counts of one feature's values on its ``ReferenceBins``.
///
/// Histograms on equal bins merge by adding their counts, so buckets of time and replicas can be summed.
public struct Histogram: Equatable, Sendable {
    /// The bins counted on.
    public let bins: ReferenceBins
    /// One count per bin, in bin order (``ReferenceBins/count`` entries).
    public private(set) var counts: [Int]

    /// An empty histogram on `bins`.
    public init(bins: ReferenceBins) {
        self.bins = bins
        self.counts = Array(repeating: 0, count: bins.count)
    }

    /// A histogram with the given counts.
    ///
    /// - Throws: ``MonitorError`` when the number of counts is not `bins.count` or a count is negative.
    public init(bins: ReferenceBins, counts: [Int]) throws(MonitorError) {
        guard counts.count == bins.count else {
            throw MonitorError("a histogram on \(bins.count) bins needs \(bins.count) counts, not \(counts.count)")
        }
        guard counts.allSatisfy({ $0 >= 0 }) else { throw MonitorError("histogram counts must not be negative") }
        self.bins = bins
        self.counts = counts
    }

    /// The total number of values counted, `missing` included.
    public var total: Int { counts.reduce(0, +) }

    /// Counts a number (see ``ReferenceBins/index(of:)-(Double?)``).
    public mutating func add(_ value: Double?) { counts[bins.index(of: value)] += 1 }

    /// Counts a category (see ``ReferenceBins/index(of:)-(String?)``).
    public mutating func add(_ category: String?) { counts[bins.index(of: category)] += 1 }

    /// Adds the counts of `other`, which must be on equal bins.
    ///
    /// - Throws: ``MonitorError`` when the bins differ.
    /// - Complexity: O(bins).
    public mutating func merge(_ other: Histogram) throws(MonitorError) {
        guard other.bins == bins else { throw MonitorError("histograms on different bins cannot be merged") }
        for i in counts.indices { counts[i] += other.counts[i] }
    }

    /// The sum of two histograms on equal bins.
    ///
    /// - Throws: ``MonitorError`` when the bins differ.
    public func merging(_ other: Histogram) throws(MonitorError) -> Histogram {
        var sum = self
        try sum.merge(other)
        return sum
    }

    /// Each bin's share of the total.
    ///
    /// - Throws: ``MonitorError`` when the histogram is empty.
    public func proportions() throws(MonitorError) -> [Double] {
        let total = total
        guard total > 0 else { throw MonitorError("an empty histogram has no proportions; count some values first") }
        return counts.map { Double($0) / Double(total) }
    }
}
