/// An output the client asked for, and whether it wants it in binary form.
public struct RequestedOutput: Sendable, Equatable {
    public var name: String
    public var binary: Bool
}
