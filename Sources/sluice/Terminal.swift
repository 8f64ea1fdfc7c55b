import Foundation
import SluiceCore
#if canImport(Glibc)
import Glibc
#endif

/// Output helpers: colour and progress lines only when writing to a terminal (and `NO_COLOR` is unset).
enum Terminal {
    static let isTTY = isatty(STDOUT_FILENO) == 1
    static let errIsTTY = isatty(STDERR_FILENO) == 1
    static let colour = isTTY && ProcessInfo.processInfo.environment["NO_COLOR"] == nil

    enum Style: String {
        case green = "32", yellow = "33", red = "31", bold = "1", dim = "2", cyan = "36"
    }

    static func paint(_ text: String, _ style: Style) -> String {
        colour ? "\u{1B}[\(style.rawValue)m\(text)\u{1B}[0m" : text
    }

    static func print(_ line: String = "") {
        Swift.print(line)
    }

    /// Writes `error: MESSAGE` to standard error, URLs in it redacted.
    static func error(_ message: String) {
        FileHandle.standardError.write(Data("error: \(Redaction.text(message))\n".utf8))
    }

    static func warning(_ message: String) {
        FileHandle.standardError.write(Data("warning: \(Redaction.text(message))\n".utf8))
    }

    /// A progress line that overwrites itself on a terminal (standard error), and is silent otherwise.
    static let progress: @Sendable (String) -> Void = { line in
        guard errIsTTY else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[2K\(line)".utf8))
    }

    static func clearProgress() {
        guard errIsTTY else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
    }

    /// Writes a JSON document to standard output.
    static func printJSON(_ json: JSON) {
        Swift.print(json.canonical(pretty: true), terminator: "")
    }
}
