import Foundation
import SluiceCore
import SluiceManifest

/// `sluice run --config FILE`: a JSON object whose keys are the command's options without their
/// dashes (`"interval": 30`, `"log-format": "json"`, or camelCase `"logFormat"`). It is turned
/// into arguments placed before the command line's own, so an option given on the command line
/// wins (the last value of an option is the one used).
enum ConfigFile {
    /// The arguments with every `--config FILE` replaced by the options the file holds.
    /// - Throws: ``ConfigError`` naming the file, the key and the value that is wrong.
    static func expand(_ arguments: [String], allowed: Set<String>) throws -> [String] {
        guard let i = arguments.firstIndex(where: { $0 == "--config" || $0.hasPrefix("--config=") }) else { return arguments }
        let path: String
        var rest = arguments
        if arguments[i] == "--config" {
            guard i + 1 < arguments.count else { throw ConfigError("--config needs a file") }
            path = arguments[i + 1]
            rest.removeSubrange(i...(i + 1))
        } else {
            path = String(arguments[i].dropFirst("--config=".count))
            rest.remove(at: i)
        }
        guard let data = FileManager.default.contents(atPath: path) else { throw ConfigError("--config \(path): cannot read the file") }
        let json: JSON
        do { json = try JSONParser.parse([UInt8](data)).value } catch { throw ConfigError("\(path): \(error)") }
        guard let object = json.objectValue else { throw ConfigError("\(path): expected a JSON object of options, e.g. {\"interval\": 30}") }
        var expanded: [String] = []
        for key in object.keys.sorted() {
            let flag = kebab(key)
            guard allowed.contains(flag) else {
                let close = Suggestion.closest(to: flag, in: allowed.sorted())
                throw ConfigError("\(path): unknown key \"\(key)\"\(close.map { " (did you mean \"\($0)\"?)" } ?? ""). Keys are the options of `sluice run --help` without their dashes")
            }
            switch object[key]! {
            case .bool(true): expanded.append("--\(flag)")
            case .bool(false), .null: continue
            case .string(let s): expanded += ["--\(flag)", s]
            case .number(let n): expanded += ["--\(flag)", n == n.rounded() && abs(n) < 1e15 ? String(Int(n)) : String(n)]
            case .array(let items):
                // A repeatable option: `"deploy-root": ["/srv/a", "/srv/b"]`.
                for item in items {
                    guard let s = item.stringValue else { throw ConfigError("\(path): \"\(key)\" must be a list of strings, not \(object[key]!.canonical())") }
                    expanded += ["--\(flag)", s]
                }
            default: throw ConfigError("\(path): \"\(key)\" must be a string, a number or a boolean, not \(object[key]!.canonical())")
            }
        }
        // The subcommand name stays first; the file's options come before the command line's.
        guard let command = rest.firstIndex(of: "run") else { return expanded + rest }
        return Array(rest[...command]) + expanded + Array(rest[(command + 1)...])
    }

    /// `logFormat` → `log-format`; kebab-case keys are kept.
    static func kebab(_ key: String) -> String {
        var out = ""
        for c in key {
            if c.isUppercase { out += "-" + c.lowercased() } else { out.append(c) }
        }
        return out
    }
}
