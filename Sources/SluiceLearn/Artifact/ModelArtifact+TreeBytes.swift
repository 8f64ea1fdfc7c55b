import SluiceCore

extension ModelArtifact {
    /// The canonical bytes of a tree ensemble's artifact (the same bytes as `json.canonicalBytes()`),
    /// its trees written straight from the packed model one at a time: a fully grown forest has
    /// millions of nodes, and a ``JSON`` value per number would take several times the bytes.
    /// `nil` for other models, or when the placeholder cannot be found exactly once.
    func encodedTreeEnsemble() -> [UInt8]? {
        guard case .trees(let m) = fitted else { return nil }
        let marker = "\u{1}sluice:trees\u{1}"
        let text = document(trees: .string(marker)).canonicalBytes()
        var quoted: [UInt8] = []
        JSON.writeString(marker, into: &quoted)
        let places = ModelArtifact.occurrences(of: quoted, in: text)
        guard places.count == 1 else { return nil }
        let (head, tail) = (text[..<places[0]], text[(places[0] + quoted.count)...])
        // Reserve the most the trees can take; pages never written are never resident.
        var bound = 2
        for t in 0..<m.treeCount {
            let start = Int(m.packed.roots[t]), end = t + 1 < m.treeCount ? Int(m.packed.roots[t + 1]) : m.packed.nodes.count
            bound += 80 + (end - start) * (4 + m.outputs) * 26
        }
        var out: [UInt8] = []
        out.reserveCapacity(head.count + bound + tail.count)
        out.append(contentsOf: head)
        out.append(UInt8(ascii: "["))
        for t in 0..<m.treeCount {
            if t > 0 { out.append(UInt8(ascii: ",")) }
            ModelArtifact.write(m.tree(at: t), into: &out)
        }
        out.append(UInt8(ascii: "]"))
        out.append(contentsOf: tail)
        return out
    }

    /// Where `needle` starts in `bytes`, every occurrence.
    static func occurrences(of needle: [UInt8], in bytes: [UInt8]) -> [Int] {
        guard !needle.isEmpty, bytes.count >= needle.count else { return [] }
        var found: [Int] = []
        for i in 0...(bytes.count - needle.count) where bytes[i] == needle[0] && bytes[i..<(i + needle.count)].elementsEqual(needle) {
            found.append(i)
        }
        return found
    }

    /// One tree as canonical JSON: `{"feature":[…],"left":[…],"right":[…],"threshold":[…],"value":[…]}`.
    static func write(_ t: Tree, into out: inout [UInt8]) {
        func integers(_ key: String, _ values: [Int]) {
            out.append(contentsOf: "\"\(key)\":[".utf8)
            for (i, v) in values.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                writeInteger(v, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        }
        func numbers(_ key: String, _ values: [Double]) {
            out.append(contentsOf: "\"\(key)\":[".utf8)
            for (i, v) in values.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                if v == 0 {
                    out.append(UInt8(ascii: "0"))
                } else {
                    out.append(contentsOf: JSON.format(v).utf8)
                }
            }
            out.append(UInt8(ascii: "]"))
        }
        out.append(UInt8(ascii: "{"))
        integers("feature", t.feature)
        out.append(UInt8(ascii: ","))
        integers("left", t.left)
        out.append(UInt8(ascii: ","))
        integers("right", t.right)
        out.append(UInt8(ascii: ","))
        numbers("threshold", t.threshold)
        out.append(UInt8(ascii: ","))
        numbers("value", t.value)
        out.append(UInt8(ascii: "}"))
    }

    /// An integer as ``JSON/format(_:)`` writes it (node links and feature indices are far below 2^53).
    static func writeInteger(_ v: Int, into out: inout [UInt8]) {
        guard v.magnitude < 9_007_199_254_740_992 else {
            out.append(contentsOf: JSON.format(Double(v)).utf8)
            return
        }
        if v < 0 { out.append(UInt8(ascii: "-")) }
        var m = v.magnitude
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = 0
        withUnsafeMutableBytes(of: &digits) { d in
            repeat {
                d[n] = UInt8(ascii: "0") + UInt8(m % 10)
                m /= 10
                n += 1
            } while m > 0
            for i in stride(from: n - 1, through: 0, by: -1) { out.append(d[i]) }
        }
    }
}
