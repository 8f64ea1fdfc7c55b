/// A `gate` run cannot proceed, with what to do.
public struct GateError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
