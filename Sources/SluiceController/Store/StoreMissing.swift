/// There is no store where a read-only command looked: nothing has been applied there yet.
public struct StoreMissing: Error, CustomStringConvertible, Sendable {
    /// The database file that does not exist.
    public var path: String
    public init(path: String) { self.path = path }
    public var description: String {
        "no store at \(path) yet: nothing has been applied with this --root/--store. Run `sluice apply` (or `sluice run`) to create it, or point --store at an existing one"
    }
}
