import SluiceLearn

/// One gate rule: thresholds on one metric, all of which must hold.
public struct GateRule: Sendable, Equatable {
    public var metric: String
    public var min: Double?
    public var max: Double?
    /// How much worse than the champion the candidate may be, in the metric's own direction.
    public var maxRegression: Double?

    public init(metric: String, min: Double? = nil, max: Double? = nil, maxRegression: Double? = nil) {
        self.metric = metric
        self.min = min
        self.max = max
        self.maxRegression = maxRegression
    }
}
