/// A `git` command could not be run, failed or timed out: git's message, URLs in it redacted.
public struct GitError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
