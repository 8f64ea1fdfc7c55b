import Foundation

/// Where the effectful code reads the time of day: the executor (when a version was trained,
/// published, retired), the writer lease (its expiry) and the controller (backoff deadlines).
///
/// Injected so that tests can hold time still or move it on at will (`FixedClock` in the
/// `SluiceTesting` target) instead of sleeping; production uses ``SystemClock``. Durations of
/// work (how long training took) are measured with `ContinuousClock`, which no record stores.
public protocol WallClock: Sendable {
    /// The current time.
    var now: Date { get }
}

/// The system's time of day.
public struct SystemClock: WallClock {
    public init() {}
    /// The current time of day, from the system (`Date()`).
    public var now: Date { Date() }
}
