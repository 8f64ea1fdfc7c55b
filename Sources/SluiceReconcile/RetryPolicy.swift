import Foundation

/// How long a model whose actions failed waits before the controller tries again.
public struct RetryPolicy: Sendable, Equatable {
    /// The wait after the first failure.
    public var base: Double
    /// The longest wait.
    public var cap: Double

    public init(base: Double = 5, cap: Double = 300) {
        self.base = base
        self.cap = cap
    }

    /// The wait after `failures` consecutive failures: base, 2·base, 4·base, … up to the cap.
    public func delay(afterFailures failures: Int) -> Double {
        guard failures > 0 else { return 0 }
        return min(cap, base * pow(2, Double(min(failures - 1, 40))))
    }
}
