/// A request the server cannot answer, with the HTTP status it answers with instead. The
/// message is what the client reads in `{"error": "…"}`: it names the input, field or value at
/// fault and what would be accepted.
public struct ServeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The HTTP status code: 400 for a malformed request, 404 for an unknown model, …
    public var status: Int
    public var message: String

    public init(_ status: Int, _ message: String) {
        self.status = status
        self.message = message
    }

    public var description: String { message }

    static func badRequest(_ message: String) -> ServeError { ServeError(400, message) }
    static func notFound(_ message: String) -> ServeError { ServeError(404, message) }
}
