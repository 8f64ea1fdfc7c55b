/// A condition of a monitored model, in the Flux/Argo style: a type, a machine-readable reason, and a
/// sentence for people.
public struct MonitorCondition: Equatable, Sendable {
    /// The kinds of condition.
    public enum Kind: String, Sendable, CaseIterable {
        /// Inputs or predictions no longer look like the reference (or their quality fell).
        case drifted = "Drifted"
        /// Live (labelled) or estimated (label-free) performance fell below the test-split value.
        case degraded = "Degraded"
        /// Too few rows or labels in the window to judge.
        case insufficientData = "InsufficientData"
    }

    /// Why a condition holds.
    public enum Reason: String, Sendable, CaseIterable {
        case featureDrift = "FeatureDrift"
        case predictionDrift = "PredictionDrift"
        case dataQuality = "DataQuality"
        case livePerformance = "LivePerformance"
        case estimatedPerformance = "EstimatedPerformance"
        case tooFewRows = "TooFewRows"
        case tooFewLabels = "TooFewLabels"
    }

    /// The kind.
    public var kind: Kind
    /// The reason.
    public var reason: Reason
    /// A sentence naming what was measured against what.
    public var message: String
    /// The features concerned (drift and data quality), in profile order.
    public var features: [String]

    /// Creates a condition.
    public init(kind: Kind, reason: Reason, message: String, features: [String] = []) {
        self.kind = kind
        self.reason = reason
        self.message = message
        self.features = features
    }

    /// Whether the condition is a breach (acted on after `persistFor`): `Drifted` and `Degraded` are;
    /// `InsufficientData` only informs.
    public var isBreach: Bool { kind != .insufficientData }
}
