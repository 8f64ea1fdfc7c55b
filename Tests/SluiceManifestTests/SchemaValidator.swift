import Foundation
import SluiceCore

/// A small JSON Schema (2020-12) validator covering the keywords the manifest schema uses, so the
/// test can check shipped manifests against the shipped schema file without any other tool.
struct SchemaValidator {
    let root: JSON

    /// Problems found, as "path: what"; empty when `value` is valid.
    func validate(_ value: JSON) -> [String] {
        var problems: [String] = []
        check(value, root, "$", &problems)
        return problems
    }

    private func resolve(_ schema: JSON) -> JSON {
        guard let ref = schema["$ref"]?.stringValue, ref.hasPrefix("#/") else { return schema }
        var node = root
        for part in ref.dropFirst(2).split(separator: "/") { node = node[String(part)] ?? .null }
        return node
    }

    private func typeName(_ v: JSON) -> [String] {
        switch v {
        case .null: ["null"]
        case .bool: ["boolean"]
        case .number: v.intValue != nil ? ["number", "integer"] : ["number"]
        case .string: ["string"]
        case .array: ["array"]
        case .object: ["object"]
        }
    }

    private func check(_ v: JSON, _ s: JSON, _ path: String, _ out: inout [String]) {
        let s = resolve(s)
        if let t = s["type"] {
            let allowed = t.stringValue.map { [$0] } ?? (t.arrayValue?.compactMap(\.stringValue) ?? [])
            if !typeName(v).contains(where: allowed.contains) { out.append("\(path): type \(typeName(v)) not in \(allowed)") }
        }
        if let e = s["enum"]?.arrayValue, !e.contains(v) { out.append("\(path): \(v.canonical()) not in enum") }
        if let c = s["const"], c != v { out.append("\(path): \(v.canonical()) is not \(c.canonical())") }
        if let d = v.doubleValue {
            if let m = s["minimum"]?.doubleValue, d < m { out.append("\(path): below minimum") }
            if let m = s["maximum"]?.doubleValue, d > m { out.append("\(path): above maximum") }
            if let m = s["exclusiveMinimum"]?.doubleValue, d <= m { out.append("\(path): not above exclusiveMinimum") }
            if let m = s["exclusiveMaximum"]?.doubleValue, d >= m { out.append("\(path): not below exclusiveMaximum") }
        }
        if let str = v.stringValue {
            if let m = s["minLength"]?.intValue, str.count < m { out.append("\(path): shorter than \(m)") }
            if let p = s["pattern"]?.stringValue, let regex = try? Regex(p), (try? regex.firstMatch(in: str)) == nil {
                out.append("\(path): does not match \(p)")
            }
        }
        if let items = v.arrayValue {
            if let m = s["minItems"]?.intValue, items.count < m { out.append("\(path): fewer than \(m) items") }
            if s["uniqueItems"] == .bool(true), Set(items.map { $0.canonical() }).count != items.count { out.append("\(path): duplicate items") }
            if let itemSchema = s["items"] { for (i, item) in items.enumerated() { check(item, itemSchema, "\(path)[\(i)]", &out) } }
        }
        if let members = v.objectValue {
            let props = s["properties"]?.objectValue ?? [:]
            for r in s["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where members[r] == nil { out.append("\(path): missing \(r)") }
            if let m = s["minProperties"]?.intValue, members.count < m { out.append("\(path): fewer than \(m) properties") }
            for (k, child) in members {
                if let p = props[k] { check(child, p, "\(path).\(k)", &out) }
                else if s["additionalProperties"] == .bool(false) { out.append("\(path): unknown property \(k)") }
                else if let extra = s["additionalProperties"], extra.objectValue != nil { check(child, extra, "\(path).\(k)", &out) }
            }
        }
        for sub in s["allOf"]?.arrayValue ?? [] { check(v, sub, path, &out) }
        if let one = s["oneOf"]?.arrayValue {
            let passing = one.filter { sub in var o: [String] = []; check(v, sub, path, &o); return o.isEmpty }.count
            if passing != 1 { out.append("\(path): matches \(passing) of oneOf's \(one.count) schemas") }
        }
        if let n = s["not"] {
            var o: [String] = []
            check(v, n, path, &o)
            if o.isEmpty { out.append("\(path): matches a schema it must not") }
        }
        if let cond = s["if"] {
            var o: [String] = []
            check(v, cond, path, &o)
            if o.isEmpty, let then = s["then"] { check(v, then, path, &out) }
        }
    }
}
