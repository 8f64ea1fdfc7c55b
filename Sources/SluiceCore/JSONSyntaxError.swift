/// A syntax error in a JSON text, with where it was found.
public struct JSONSyntaxError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String
    public var position: SourcePosition
    public var description: String { "\(position): \(message)" }
}
