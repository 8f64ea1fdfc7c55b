/// A model `gate` left out, and why.
public struct GateSkip: Sendable, Equatable {
    public var model: String
    public var reason: String
}
