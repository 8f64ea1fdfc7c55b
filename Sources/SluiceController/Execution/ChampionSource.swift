/// Where a champion's artifact comes from: the store, or a deployment target's files.
public struct ChampionSource: Sendable {
    /// Where the artifact is read from.
    public enum Origin: Sendable, Equatable, CustomStringConvertible {
        /// The store's publication record and artifact (digest-checked when stored).
        case store
        /// Files in a directory: a deploy target's or a `--baseline` directory's, as shown to people.
        case files(String)

        /// "store", or the directory as shown to people (as in `gate --json`'s `champion.origin`).
        public var description: String {
            switch self {
            case .store: "store"
            case .files(let display): display
            }
        }
    }

    /// The champion's version id.
    public var version: String
    /// The SHA-256 its artifact must have.
    public var digest: String
    /// Where its artifact is read from.
    public var origin: Origin
    /// Reads the artifact's bytes (checked against ``digest`` by the caller).
    public var load: @Sendable () throws -> [UInt8]

    public init(version: String, digest: String, origin: Origin, load: @escaping @Sendable () throws -> [UInt8]) {
        self.version = version
        self.digest = digest
        self.origin = origin
        self.load = load
    }
}
