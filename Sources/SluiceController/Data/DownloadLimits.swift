/// How long one dataset download may take and how large it may be (`--download-timeout`,
/// `--download-max-size`).
public struct DownloadLimits: Sendable, Equatable {
    /// Seconds one fetch may take in all: every attempt and every wait between attempts.
    public var deadline: Double
    /// The largest body accepted, in bytes.
    public var maxBytes: Int64

    /// Five minutes and 1 GiB.
    public static let standard = DownloadLimits(deadline: 300, maxBytes: 1 << 30)

    public init(deadline: Double, maxBytes: Int64) {
        self.deadline = deadline
        self.maxBytes = maxBytes
    }
}
