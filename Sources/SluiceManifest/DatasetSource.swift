/// The kind of place a dataset's `source` (or `test`) names (DESIGN §8).
public enum DatasetSourceKind: Sendable, Equatable {
    /// A path relative to the repository root.
    case file
    /// An `http://` or `https://` URL, fetched and re-validated by ETag.
    case http
    /// An `s3://bucket/key` object, fetched with AWS Signature V4 and re-validated by ETag.
    case s3
    /// A PostgreSQL database (`postgres://…` or `postgresql://…`, a libpq URI) read with `query`.
    case postgres
    /// An SQLite file (`sqlite:PATH`, relative to the repository root) read with `query`.
    case sqlite

    /// The kind of `source`, from its prefix alone.
    public init(_ source: String) {
        if source.hasPrefix("http://") || source.hasPrefix("https://") {
            self = .http
        } else if source.hasPrefix("s3://") {
            self = .s3
        } else if source.hasPrefix("postgres://") || source.hasPrefix("postgresql://") {
            self = .postgres
        } else if source.hasPrefix("sqlite:") {
            self = .sqlite
        } else {
            self = .file
        }
    }

    /// Fetched over the network into the download cache (``http`` and ``s3``).
    public var isDownloaded: Bool { self == .http || self == .s3 }
    /// Read by running the dataset's `query` (``postgres`` and ``sqlite``).
    public var isQuery: Bool { self == .postgres || self == .sqlite }
}
