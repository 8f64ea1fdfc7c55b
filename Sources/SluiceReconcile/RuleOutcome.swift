/// The outcome of one threshold of a gate rule.
public struct RuleOutcome: Sendable, Equatable {
    /// `skipped`: there is no champion to compare with; `notApplicable`: the candidate is the
    /// champion (the version in service), so a regression rule has nothing to compare.
    public enum Status: String, Sendable {
        case passed, failed, skipped
        case notApplicable = "not_applicable"

        /// The status in words, for people: "passed", "not applicable".
        public var words: String { self == .notApplicable ? "not applicable" : rawValue }
    }
    /// Which threshold of a rule: its raw value is the word of the manifest and of `gate --json`.
    public enum Threshold: String, Sendable, Equatable, CustomStringConvertible {
        /// The metric must be at least the limit.
        case min
        /// The metric must be at most the limit.
        case max
        /// The metric may fall at most this far below the champion's on the same test data.
        case maxRegression

        public var description: String { rawValue }
    }
    /// The metric the rule is about.
    public var metric: String
    /// Which threshold of the rule.
    public var threshold: Threshold
    public var limit: Double
    public var candidate: Double
    /// The champion's value on the candidate's test data (for `maxRegression`).
    public var champion: Double?
    public var status: Status
    /// A sentence for people: "accuracy 0.933 < min 0.99".
    public var message: String
}
