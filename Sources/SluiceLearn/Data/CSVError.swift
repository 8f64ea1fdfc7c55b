/// An error in a CSV file, with the line where it was found.
public struct CSVError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String
    /// 1-based line number in the file, when the problem is on one line.
    public var line: Int?
    public var description: String { line.map { "line \($0): \(message)" } ?? message }
}
