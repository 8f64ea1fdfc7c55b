/// How `sluice serve` records what it serves (the `--monitor-*` flags), with their defaults.
public struct MonitorOptions: Sendable, Equatable {
    /// Where the monitor keeps its SQLite file (default `<repository>/.sluice-monitor`, which the model
    /// repository's scan skips).
    public var directory: String
    /// The length of a time bucket of counts, in seconds (default 60).
    public var bucketSeconds: Int = 60
    /// The share of served rows written to the row log (default 0.1; 1 logs every row, so that every
    /// label can join its prediction).
    public var logRows: Double = 0.1
    /// The most rows logged per model and second (default 50).
    public var maxRowsPerSecond: Double = 50
    /// How long time buckets are kept, in seconds (default 35 days).
    public var aggregatesRetention: Double = 35 * 86_400
    /// How long logged rows are kept, in seconds (default 7 days).
    public var rowsRetention: Double = 7 * 86_400
    /// How long labels are kept, in seconds (default 30 days).
    public var feedbackRetention: Double = 30 * 86_400
    /// The most bytes the row log may take; the oldest rows go first beyond it (default 1 GiB).
    public var maxRowBytes: Int = 1 << 30
    /// The most rows waiting for the writer; a request whose rows do not fit is not recorded, and
    /// counted in `sluice_monitor_dropped_total` (default 10,000).
    public var queueCapacity: Int = 10_000
    /// The most bytes of requests waiting for the writer (each queued request keeps its decoded inputs);
    /// a request that does not fit is not recorded, and counted like one that finds the queue full
    /// (default 64 MiB).
    public var queueBytes: Int = 64 << 20
    /// The writer takes what is queued at least this often, in seconds (default 0.1), and sooner when
    /// `flushRows` rows are waiting.
    public var drainInterval: Double = 0.1
    /// The writer stores changed buckets and logged rows at least this often, in seconds (default 1)…
    public var flushInterval: Double = 1
    /// …or as soon as this many rows were counted since the last store (default 1,000).
    public var flushRows: Int = 1_000
    /// How often the writer removes what is past retention, in seconds (default 60), and sooner when the
    /// rows logged since it last did take more than a tenth of ``maxRowBytes``.
    public var pruneInterval: Double = 60

    /// The default directory name below the repository.
    public static let defaultDirectoryName = ".sluice-monitor"

    /// Options with the defaults, storing in `directory`.
    public init(directory: String) {
        self.directory = directory
    }
}
