import Foundation
import Logging
import SluiceCore

/// A swift-log handler writing one line an event to standard error, as text or JSON.
struct LineLogHandler: LogHandler {
    /// Makes every logger of the process write lines in `format`, from `level` up.
    static func bootstrap(format: LogFormat, level: Logger.Level) {
        LoggingSystem.bootstrap { label in
            var handler = LineLogHandler(label: label, format: format)
            handler.logLevel = level
            return handler
        }
    }

    let label: String
    let format: LogFormat
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Writes the event; URLs in the message and metadata are redacted (``Redaction``).
    func log(event: LogEvent) {
        let all = metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }).mapValues { Redaction.text("\($0)") }
        let message = Redaction.text(event.message.description)
        let time = Date().ISO8601Format(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
        let line: String
        switch format {
        case .json:
            var fields: [String: JSON] = ["time": .string(time), "level": .string(event.level.rawValue),
                                          "logger": .string(label), "message": .string(message)]
            for (key, value) in all where fields[key] == nil { fields[key] = .string(value) }
            line = JSON.object(fields).canonical()
        case .text:
            // Time, level, message, then the metadata as key=value.
            let pairs = all.keys.sorted().map { key -> String in
                let value = all[key]!
                return value.contains(" ") || value.isEmpty ? "\(key)=\"\(value)\"" : "\(key)=\(value)"
            }
            line = ([time, event.level.rawValue, message] + pairs).joined(separator: " ")
        }
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
