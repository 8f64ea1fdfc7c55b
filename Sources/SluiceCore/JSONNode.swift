
/// A parsed JSON value that remembers where it was written, so errors can point at it.
///
/// Object members keep their order and every key its own position; duplicate keys are kept
/// (the manifest decoder reports them).
public struct JSONNode: Sendable {
    /// One member of an object, with the position of its key.
    public struct Member: Sendable {
        public var key: String
        public var keyPosition: SourcePosition
        public var value: JSONNode
    }

    public indirect enum Kind: Sendable {
        case null
        case bool(Bool)
        /// A number with the text it was written as, for error messages.
        case number(Double, raw: String)
        case string(String)
        case array([JSONNode])
        case object([Member])
    }

    public var kind: Kind
    public var position: SourcePosition

    public init(kind: Kind, position: SourcePosition) {
        self.kind = kind
        self.position = position
    }

    /// The plain value, without positions. Later duplicate keys win.
    public var value: JSON {
        switch kind {
        case .null: .null
        case .bool(let b): .bool(b)
        case .number(let d, _): .number(d)
        case .string(let s): .string(s)
        case .array(let items): .array(items.map(\.value))
        case .object(let members):
            .object(Dictionary(members.map { ($0.key, $0.value.value) }, uniquingKeysWith: { _, last in last }))
        }
    }

    /// The value as it would read in an error message: strings quoted, containers abbreviated.
    public var snippet: String {
        switch kind {
        case .string(let s): s.count > 60 ? "\"\(s.prefix(57))...\"" : JSON.string(s).canonical()
        case .number(_, let raw): raw
        case .array(let items): items.isEmpty ? "[]" : "[...] (\(items.count) elements)"
        case .object(let members): members.isEmpty ? "{}" : "{...}"
        default: value.canonical()
        }
    }

    /// A short name of the value's type ("a string", "an object").
    public var typeDescription: String { value.typeDescription }
}
