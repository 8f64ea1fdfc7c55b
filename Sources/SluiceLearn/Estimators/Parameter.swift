import SluiceCore

/// One hyperparameter of an algorithm: its name (scikit-learn's, in camelCase), what it accepts,
/// and its default, which is written into the stored spec so a later change of default shows.
public struct Parameter: Sendable {
    public enum Kind: Sendable {
        case integer(min: Int, max: Int)
        /// An integer, or `null` for "no limit".
        case optionalInteger(min: Int, max: Int)
        /// A number above `min` (or at it when `inclusive`), at most `max`.
        case number(min: Double, inclusive: Bool, max: Double)
        case boolean
        case choice([String])
        /// One of the strings, or `null` for the task's default.
        case optionalChoice([String])
        /// `null` (all features), `"sqrt"`, `"log2"`, an integer count, or a fraction in (0, 1].
        case featureCount
    }

    public var name: String
    public var kind: Kind
    public var defaultValue: JSON
    /// What `null` stands for, by task, where it means "scikit-learn's default for the task"
    /// (`criterion`: gini or squared_error); a task missing here keeps `null` (no limit, all
    /// features).
    public var nullMeans: [LearningTask: JSON]
    public var summary: String

    public init(_ name: String, _ kind: Kind, default defaultValue: JSON, nullMeans: [LearningTask: JSON] = [:], _ summary: String) {
        self.name = name
        self.kind = kind
        self.defaultValue = defaultValue
        self.nullMeans = nullMeans
        self.summary = summary
    }

    /// What the parameter accepts, as a phrase for error messages.
    public var allowed: String {
        switch kind {
        case .integer(let lo, let hi): "an integer from \(lo) to \(hi)"
        case .optionalInteger(let lo, let hi): "null (no limit) or an integer from \(lo) to \(hi)"
        case .number(let lo, let inclusive, let hi): "a number \(inclusive ? "≥" : ">") \(JSON.format(lo)) and ≤ \(JSON.format(hi))"
        case .boolean: "true or false"
        case .choice(let options): "one of " + options.map { "\"\($0)\"" }.joined(separator: ", ")
        case .optionalChoice(let options): "null or one of " + options.map { "\"\($0)\"" }.joined(separator: ", ")
        case .featureCount: "null (all features), \"sqrt\", \"log2\", an integer ≥ 1, or a fraction in (0, 1)"
        }
    }

    /// Whether `value` is acceptable.
    public func accepts(_ value: JSON) -> Bool {
        switch (kind, value) {
        case (.integer(let lo, let hi), .number):
            guard let i = value.intValue else { return false }
            return i >= lo && i <= hi
        case (.optionalInteger, .null): return true
        case (.optionalInteger(let lo, let hi), .number):
            guard let i = value.intValue else { return false }
            return i >= lo && i <= hi
        case (.number(let lo, let inclusive, let hi), .number(let d)):
            return (inclusive ? d >= lo : d > lo) && d <= hi
        case (.boolean, .bool): return true
        case (.choice(let options), .string(let s)): return options.contains(s)
        case (.optionalChoice, .null): return true
        case (.optionalChoice(let options), .string(let s)): return options.contains(s)
        case (.featureCount, .null): return true
        case (.featureCount, .string(let s)): return s == "sqrt" || s == "log2"
        case (.featureCount, .number(let d)):
            if let i = value.intValue { return i >= 1 }
            return d > 0 && d < 1
        default: return false
        }
    }

    /// The JSON Schema of the accepted values.
    public var schema: JSON {
        var s: [String: JSON] = ["description": .string(summary), "default": defaultValue]
        switch kind {
        case .integer(let lo, let hi):
            s["type"] = "integer"; s["minimum"] = .number(Double(lo)); s["maximum"] = .number(Double(hi))
        case .optionalInteger(let lo, let hi):
            s["type"] = ["integer", "null"]; s["minimum"] = .number(Double(lo)); s["maximum"] = .number(Double(hi))
        case .number(let lo, let inclusive, let hi):
            s["type"] = "number"
            s[inclusive ? "minimum" : "exclusiveMinimum"] = .number(lo)
            s["maximum"] = .number(hi)
        case .boolean: s["type"] = "boolean"
        case .choice(let options): s["enum"] = .strings(options)
        case .optionalChoice(let options): s["enum"] = .array(options.map(JSON.string) + [.null])
        case .featureCount:
            s["oneOf"] = [
                ["type": "null"], ["enum": ["sqrt", "log2"]],
                ["type": "integer", "minimum": 1],
                ["type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1],
            ]
        }
        return .object(s)
    }
}
