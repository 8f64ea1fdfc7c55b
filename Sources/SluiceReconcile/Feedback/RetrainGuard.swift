import Foundation

/// Whether a breach may start an automatic retrain now (`spec.monitor.retrain`): a pure function
/// of the model's past automatic retrains, its spec and the time.
///
/// - *Cooldown*: no retrain within `cooldown` of the last one (whatever the spec was then).
/// - *Stalled*: once `maxPerWeek` retrains of the current spec happened within 7 days, the model
///   retrains no more until its spec (the manifest's digest) changes: a model that keeps breaching
///   after that many retrains needs a person, not another retrain.
public enum RetrainGuard {
    /// One past automatic retrain.
    public struct Attempt: Sendable, Equatable {
        /// When its snapshot was taken.
        public var at: Date
        /// The manifest digest at the time.
        public var specDigest: String
        public init(at: Date, specDigest: String) {
            self.at = at
            self.specDigest = specDigest
        }
    }

    /// The decision.
    public enum Decision: Sendable, Equatable {
        /// A retrain may start.
        case allowed
        /// Too soon after the last retrain: not before `until`.
        case coolingDown(until: Date)
        /// `count` retrains of this spec within 7 days, the last at `last`: no more until the spec changes.
        case stalled(count: Int, last: Date)
    }

    /// Seven days, in seconds.
    public static let week: Double = 7 * 86_400

    /// Decides.
    /// - Parameters:
    ///   - attempts: the model's past automatic retrains, in any order.
    ///   - specDigest: the manifest's digest now.
    ///   - cooldown: seconds between two retrains.
    ///   - maxPerWeek: retrains allowed of one spec within 7 days.
    public static func decide(attempts: [Attempt], specDigest: String, cooldown: Double, maxPerWeek: Int, now: Date) -> Decision {
        let sameSpec = attempts.filter { $0.specDigest == specDigest }.map(\.at).sorted()
        if maxPerWeek >= 1, sameSpec.count >= maxPerWeek {
            for i in 0...(sameSpec.count - maxPerWeek) where sameSpec[i + maxPerWeek - 1].timeIntervalSince(sameSpec[i]) < week {
                return .stalled(count: maxPerWeek, last: sameSpec[i + maxPerWeek - 1])
            }
        }
        if maxPerWeek < 1 { return .stalled(count: 0, last: sameSpec.last ?? now) }
        if let last = attempts.map(\.at).max(), now.timeIntervalSince(last) < cooldown {
            return .coolingDown(until: last.addingTimeInterval(cooldown))
        }
        return .allowed
    }
}
