/// A bad `--config` file.
struct ConfigError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}
