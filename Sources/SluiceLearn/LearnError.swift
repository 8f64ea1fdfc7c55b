/// An error from training or prediction, phrased for the person who wrote the manifest.
public struct LearnError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension LearnError {
    /// Training was stopped by its caller (its progress callback returned `false`).
    public static let cancelled = LearnError("training was cancelled")
}
