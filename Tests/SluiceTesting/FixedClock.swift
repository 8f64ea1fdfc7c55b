import Foundation
import Synchronization
import SluiceController

/// A clock that stands still until it is moved: time in tests without sleeping.
public final class FixedClock: WallClock {
    private let current: Mutex<Date>

    /// A clock that reads `start` (by default 2026-01-01T00:00:00Z) until moved.
    public init(_ start: Date = Date(timeIntervalSince1970: 1_767_225_600)) {
        current = Mutex(start)
    }

    public var now: Date { current.withLock { $0 } }

    /// Moves the clock on by `seconds`.
    public func advance(_ seconds: TimeInterval) {
        current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }

    /// Sets the clock to `date`.
    public func set(_ date: Date) {
        current.withLock { $0 = date }
    }
}
