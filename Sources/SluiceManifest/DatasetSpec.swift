import SluiceLearn

/// Where the data comes from and which rows test the model.
public struct DatasetSpec: Sendable, Equatable {
    /// A path relative to the repository root, or an `http(s)://` URL.
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

    public init(source: String, target: String, features: [String]?, split: SplitSpec, test: String?, sha256: String?, testSha256: String?) {
        self.source = source
        self.target = target
        self.features = features
        self.split = split
        self.test = test
        self.sha256 = sha256
        self.testSha256 = testSha256
    }

    /// Whether `source` (or `test`) is a URL rather than a file path.
    public static func isURL(_ s: String) -> Bool { s.hasPrefix("http://") || s.hasPrefix("https://") }
}
