/// How long the monitor's writer waits before it tries a failed store again: ``initial`` after the first
/// failure, twice as long after each further one, at most ``maximum``; a success starts over. A store that
/// keeps failing (a full disk, a locked file) is then retried a few times a minute, not ten times a second.
struct RetryBackoff: Equatable {
    /// The wait after the first failure, in seconds.
    let initial: Double
    /// The longest wait, in seconds.
    let maximum: Double
    /// The wait after the last failure, or `nil` when the last store succeeded.
    private(set) var delay: Double?

    init(initial: Double = 0.2, maximum: Double = 5) {
        self.initial = initial
        self.maximum = maximum
    }

    /// Records a failure. Returns how long to wait before the next try, in seconds.
    mutating func failed() -> Double {
        let next = min(maximum, delay.map { $0 * 2 } ?? initial)
        delay = next
        return next
    }

    /// Records a success: the next failure waits ``initial`` again.
    mutating func succeeded() { delay = nil }
}
