/// An error from training or prediction, phrased for the person who wrote the manifest.
public struct LearnError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
