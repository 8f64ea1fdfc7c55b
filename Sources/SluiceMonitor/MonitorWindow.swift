import SluiceCore

/// The statistics of one served model version over a window of time: what `GET /v2/models/{name}/monitor`
/// returns and what the controller and `sluice monitor` read.
///
/// Its JSON form is the wire contract between the server and the controller:
/// `{"model", "version", "window": {"from", "to", "seconds"}, "stats": <WindowStats>, "series": [<Point>],
/// "report": <MonitorReport>}`. Times are Unix seconds; the window is [from, to). The `report` is the
/// server's judgement with its default (or requested) policy; a reader with its own policy re-evaluates
/// `stats` against its own copy of the reference profile.
public struct MonitorWindow: Equatable, Sendable {
    /// One step of the window's time series (for charts of rows and the metric over time).
    public struct Point: Equatable, Sendable {
        /// The start of the step (Unix seconds).
        public var from: Int64
        /// Rows and labelled rows in the step.
        public var rows: Int
        public var labelled: Int
        /// The watched metric on the step's labelled rows, and the label-free accuracy estimate.
        public var live: Double?
        public var estimate: Double?

        /// Creates a point.
        public init(from: Int64, rows: Int, labelled: Int, live: Double?, estimate: Double?) {
            self.from = from
            self.rows = rows
            self.labelled = labelled
            self.live = live
            self.estimate = estimate
        }
    }

    /// The model's name and the version whose rows these are (the one in service at `to`).
    public var model: String
    public var version: String
    /// The window, [from, to), in Unix seconds.
    public var from: Int64
    public var to: Int64
    /// The merged statistics of the window.
    public var stats: WindowStats
    /// The window in steps, oldest first.
    public var series: [Point]

    /// Creates a window.
    public init(model: String, version: String, from: Int64, to: Int64, stats: WindowStats, series: [Point]) {
        self.model = model
        self.version = version
        self.from = from
        self.to = to
        self.stats = stats
        self.series = series
    }

    /// The JSON form, with `report` (the judgement of `stats` with `policy` against `profile`).
    public func json(profile: ReferenceProfile, policy: MonitorPolicy) -> JSON {
        func optional(_ d: Double?) -> JSON { d.map(JSON.number) ?? .null }
        return [
            "model": .string(model),
            "version": .string(version),
            "window": ["from": .number(Double(from)), "to": .number(Double(to)), "seconds": .number(Double(to - from))],
            "stats": stats.json,
            "series": .array(series.map { p in
                ["from": .number(Double(p.from)), "rows": .number(Double(p.rows)), "labelled": .number(Double(p.labelled)),
                 "live": optional(p.live), "estimate": optional(p.estimate)]
            }),
            "report": MonitorReport.evaluate(profile: profile, stats: stats, policy: policy).json,
        ]
    }

    /// The model and version named by a window's JSON, read before its profile is known.
    public static func identity(json: JSON) throws(MonitorError) -> (model: String, version: String) {
        guard let model = json["model"]?.stringValue, let version = json["version"]?.stringValue else {
            throw MonitorError("a monitor window needs \"model\" and \"version\" strings")
        }
        return (model, version)
    }

    /// Reads the form written by ``json(profile:policy:)`` (the `report` is not read), on the bins of `profile`.
    ///
    /// - Throws: ``MonitorError`` naming the field that is missing or does not fit the profile.
    public init(json: JSON, profile: ReferenceProfile) throws(MonitorError) {
        let (model, version) = try Self.identity(json: json)
        guard let from = json["window"]?["from"]?.intValue, let to = json["window"]?["to"]?.intValue, from <= to else {
            throw MonitorError("a monitor window needs \"window\": {\"from\", \"to\"}, Unix seconds with from ≤ to")
        }
        guard let statsJSON = json["stats"] else { throw MonitorError("a monitor window needs \"stats\"") }
        let stats = try WindowStats(json: statsJSON, profile: profile)
        var series: [Point] = []
        for (i, p) in (json["series"]?.arrayValue ?? []).enumerated() {
            guard let f = p["from"]?.intValue, let rows = p["rows"]?.intValue, let labelled = p["labelled"]?.intValue else {
                throw MonitorError("monitor window series[\(i)] needs \"from\", \"rows\" and \"labelled\" integers")
            }
            series.append(Point(from: Int64(f), rows: rows, labelled: labelled, live: p["live"]?.doubleValue, estimate: p["estimate"]?.doubleValue))
        }
        self.init(model: model, version: version, from: Int64(from), to: Int64(to), stats: stats, series: series)
    }
}
