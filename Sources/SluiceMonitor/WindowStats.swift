/// Everything the monitor counted for one model version over a span of time: mergeable, so a window is
/// the sum of its time buckets (and of replicas), never a re-scan of rows.
public struct WindowStats: Equatable, Sendable {
    /// Rows counted.
    public private(set) var rows: Int
    /// One histogram per feature, on the reference profile's bins, in its feature order.
    public private(set) var features: [Histogram]
    /// Per feature: values that were categories the model never saw in training (they are also counted
    /// in the histogram's `other` bin).
    public private(set) var unknown: [Int]
    /// The predictions, on the reference profile's prediction bins.
    public private(set) var prediction: Histogram
    /// Σ calibrated P(correct) over the rows (classifiers with a calibration map): divided by ``rows`` it is
    /// the label-free accuracy estimate.
    public private(set) var calibratedSum: Double
    /// What is known about the rows whose ground truth arrived.
    public var labelled: LabelledStats

    /// Empty statistics on the bins of `profile`.
    public init(profile: ReferenceProfile) {
        rows = 0
        features = profile.features.map { Histogram(bins: $0.bins) }
        unknown = Array(repeating: 0, count: profile.features.count)
        prediction = Histogram(bins: profile.prediction.bins)
        calibratedSum = 0
        labelled = LabelledStats(classes: profile.classes.count)
    }

    /// Restores statistics from their stored parts.
    ///
    /// - Throws: ``MonitorError`` when the parts do not fit together.
    public init(rows: Int, features: [Histogram], unknown: [Int], prediction: Histogram, calibratedSum: Double,
                labelled: LabelledStats) throws(MonitorError) {
        guard rows >= 0, features.count == unknown.count, unknown.allSatisfy({ $0 >= 0 }) else {
            throw MonitorError("window statistics need a non-negative row count and one unknown count per feature")
        }
        self.rows = rows
        self.features = features
        self.unknown = unknown
        self.prediction = prediction
        self.calibratedSum = calibratedSum
        self.labelled = labelled
    }

    /// Counts one row, with the profile it is measured against (for the calibration map).
    ///
    /// Values beyond the profile's features are ignored; features without a value count as missing.
    public mutating func add(_ row: RowObservation, profile: ReferenceProfile) {
        rows += 1
        for i in features.indices {
            let value = i < row.values.count ? row.values[i] : .missing
            switch value {
            case .number(let d): features[i].add(d)
            case .category(let c, let known):
                features[i].add(c)
                if !known { unknown[i] += 1 }
            case .missing: features[i].add(nil as Double?)
            }
        }
        switch row.prediction {
        case .label(let label, let confidence):
            prediction.add(label)
            if let calibration = profile.calibration { calibratedSum += calibration.predict(confidence) }
        case .value(let v):
            prediction.add(v)
        }
    }

    /// Adds statistics counted on the same bins.
    ///
    /// - Throws: ``MonitorError`` when the bins differ.
    public mutating func merge(_ other: WindowStats) throws(MonitorError) {
        guard other.features.count == features.count else { throw MonitorError("window statistics of different models cannot be merged") }
        for i in features.indices {
            try features[i].merge(other.features[i])
            unknown[i] += other.unknown[i]
        }
        try prediction.merge(other.prediction)
        rows += other.rows
        calibratedSum += other.calibratedSum
        try labelled.merge(other.labelled)
    }
}
