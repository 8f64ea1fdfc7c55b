/// A duration that is not in one of the accepted forms.
public struct DurationError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The text given.
    public var text: String
    /// A well-formed duration longer than ``DurationText/maximum``.
    public var tooLong: Bool
    public init(text: String, tooLong: Bool = false) {
        self.text = text
        self.tooLong = tooLong
    }
    public var description: String {
        tooLong ? "\"\(text)\" is longer than 10 years (3650d), the longest duration accepted"
            : "\"\(text)\" is not a duration; write a number with a unit — 250ms, 1.5s, 30s, 5m, 1h, 7d — or plain seconds (30)"
    }
}
