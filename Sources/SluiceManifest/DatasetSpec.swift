import SluiceLearn

/// Where the data comes from and which rows test the model.
public struct DatasetSpec: Sendable, Equatable {
    /// A path relative to the repository root, an `http(s)://` or `s3://` URL, or a database
    /// (`postgres://…`, `sqlite:PATH`) read with ``query`` (``DatasetSourceKind``).
    public var source: String
    public var target: String
    /// `nil`: every column but the target.
    public var features: [String]?
    /// Used when `test` is `nil`.
    public var split: SplitSpec
    /// A separate, fixed evaluation CSV with the same columns.
    public var test: String?
    /// Pins of the content of `source` and `test`.
    public var sha256: String?
    public var testSha256: String?
    /// The SQL query that reads a database `source` (required for one, refused for any other).
    public var query: String?

    public init(source: String, target: String, features: [String]?, split: SplitSpec, test: String?, sha256: String?, testSha256: String?,
                query: String? = nil) {
        self.source = source
        self.target = target
        self.features = features
        self.split = split
        self.test = test
        self.sha256 = sha256
        self.testSha256 = testSha256
        self.query = query
    }

    /// Whether `source` (or `test`) is an `http(s)://` URL.
    public static func isURL(_ s: String) -> Bool { s.hasPrefix("http://") || s.hasPrefix("https://") }

    /// Whether `source` (or `test`) is a file under the repository root (not a URL or a database).
    public static func isLocalFile(_ s: String) -> Bool { DatasetSourceKind(s) == .file }
}
