/// A dataset could not be found, read, verified or parsed.
public struct DataError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
