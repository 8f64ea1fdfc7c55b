/// Escaping for the HTML and SVG that Swift code builds (charts, sparklines). Templates escape
/// `{{value}}` themselves; a template's `{{{raw}}}` only ever carries markup built with these.
public enum HTML {
    /// Text for an element or a quoted attribute: `&`, `<`, `>`, `"` and `'` escaped.
    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// A path segment (a model's name in `/ui/models/{name}`): every byte but unreserved ones percent-encoded.
    public static func pathComponent(_ s: String) -> String { percentEncoded(s) }

    /// A query name or value: every byte but unreserved ones percent-encoded.
    public static func queryComponent(_ s: String) -> String { percentEncoded(s) }

    private static func percentEncoded(_ s: String) -> String {
        var out = ""
        for byte in s.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".utf8)
                out += "%" + String(decoding: [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]], as: UTF8.self)
            }
        }
        return out
    }

    /// A link to a model's page.
    public static func modelPath(_ name: String) -> String { "/ui/models/" + pathComponent(name) }
}
