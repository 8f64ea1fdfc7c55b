/// A statistic that cannot be computed, or a stored form that cannot be read.
///
/// The message says what is wrong and, where it helps, what to do.
public struct MonitorError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What went wrong, as a sentence.
    public var message: String

    /// Creates an error with the given message.
    public init(_ message: String) { self.message = message }

    /// The message.
    public var description: String { message }
}
