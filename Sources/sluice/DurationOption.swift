import ArgumentParser
import SluiceCore

/// Parses a duration option (`--interval 2s`, `--lock-timeout 1m`, plain seconds still work) for
/// `@Option(transform:)`; the parser's error names the option and the value, this one the forms.
enum DurationOption {
    static func seconds(_ text: String) throws -> Double {
        do { return try DurationText.seconds(text) } catch { throw ValidationError(error.description) }
    }
}
