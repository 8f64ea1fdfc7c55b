import ArgumentParser
import Foundation
import Logging
import SluiceCore

/// `--log-format`: how `sluice run` writes its log to standard error.
enum LogFormat: String, ExpressibleByArgument, CaseIterable {
    /// `2026-11-27T10:00:00Z notice sluice: cycle complete model.name=iris …`
    case text
    /// One JSON object a line, for log shippers: `{"level":"notice","message":"…","time":"…",…}`.
    case json
}

/// A swift-log handler writing one JSON object a line to standard error.
struct JSONLogHandler: LogHandler {
    let label: String
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let (level, message, extra) = (event.level, event.message, event.metadata)
        var fields: [String: JSON] = [
            "time": .string(timestamp()),
            "level": .string(level.rawValue),
            "logger": .string(label),
            "message": .string(message.description),
        ]
        for (key, value) in metadata.merging(extra ?? [:], uniquingKeysWith: { $1 }) where fields[key] == nil {
            fields[key] = .string("\(value)")
        }
        FileHandle.standardError.write(Data((JSON.object(fields).canonical() + "\n").utf8))
    }
}

/// A text handler: time, level, message, then the metadata as key=value.
struct TextLogHandler: LogHandler {
    let label: String
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let (level, message, extra) = (event.level, event.message, event.metadata)
        let all = metadata.merging(extra ?? [:], uniquingKeysWith: { $1 })
        let pairs = all.keys.sorted().map { key -> String in
            let value = "\(all[key]!)"
            return value.contains(" ") || value.isEmpty ? "\(key)=\"\(value)\"" : "\(key)=\(value)"
        }
        let text = ([timestamp(), level.rawValue, message.description] + pairs).joined(separator: " ")
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}

/// Now, as `2026-11-27T10:00:00.123Z`.
private func timestamp() -> String {
    Date().ISO8601Format(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
}
