/// A file or directory could not be written (``AtomicFile``): the path and the system's reason,
/// and what to do where there is something to do.
public struct FileWriteError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
