import ArgumentParser

/// `--log-format`: how `sluice run` writes its log to standard error.
enum LogFormat: String, ExpressibleByArgument, CaseIterable {
    /// `2026-11-27T10:00:00.123Z notice cycle complete model.name=iris …`
    case text
    /// One JSON object a line, for log shippers: `{"level":"notice","message":"…","time":"…",…}`.
    case json
}
