/// An error from training or prediction, phrased for the person who wrote the manifest.
///
/// Compare errors by kind (``isCancellation``), never by ``message``: a failure whose message
/// happens to read like a cancellation is still a failure.
public struct LearnError: Error, Equatable, Sendable, CustomStringConvertible {
    private enum Code: Equatable, Sendable { case failed, cancelled }

    private let code: Code
    public var message: String
    /// A failure, with the sentence that says what is wrong and what to do.
    public init(_ message: String) { self.init(.failed, message) }
    private init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }
    public var description: String { message }
    /// Whether training was stopped by its caller (``cancelled``) rather than failing.
    public var isCancellation: Bool { code == .cancelled }
}

extension LearnError {
    /// Training was stopped by its caller (its progress callback returned `false`).
    public static let cancelled = LearnError(.cancelled, "training was cancelled")
}
