/// A metric across a model's publications as a small inline SVG (the Models page's rows): a line
/// through the values in publication order, a dot on the one in service, and the same numbers in
/// words for those who cannot see it (`aria-label` and `<title>`).
struct Sparkline {
    /// One publication's value of the metric.
    struct Point: Equatable {
        var value: Double
        /// Whether this publication is the one in service.
        var inService: Bool
    }

    /// The metric's name, for the words.
    var metric: String
    /// The points, oldest first; only finite values are drawn.
    var points: [Point]
    /// Whether older publications were left out (only the last ones are drawn).
    var truncated = false

    static let width = 96.0
    static let height = 22.0
    static let pad = 3.0

    /// What the chart says, in words: `accuracy over 3 publications: 0.9, 0.93, 0.9667 (in service)`,
    /// `accuracy of its one publication: 0.95`, `accuracy over the last 20 publications: …`.
    var words: String {
        let values = points.map { UIFormat.metric($0.value) + ($0.inService ? " (in service)" : "") }.joined(separator: ", ")
        if points.count == 1 { return "\(metric) of its one publication: \(values)" }
        return "\(metric) over \(truncated ? "the last " : "")\(points.count) publications: \(values)"
    }

    /// The SVG, escaped; `nil` when no point has a finite value (nothing to draw).
    /// - Complexity: O(points).
    var svg: String? {
        let drawn = points.filter { $0.value.isFinite }
        guard !drawn.isEmpty else { return nil }
        let low = drawn.map(\.value).min()!, high = drawn.map(\.value).max()!
        let w = Self.width - 2 * Self.pad, h = Self.height - 2 * Self.pad
        func x(_ i: Int) -> Double { drawn.count == 1 ? Self.width / 2 : Self.pad + w * Double(i) / Double(drawn.count - 1) }
        // Halves: the span of two finite values is finite even at ±Double.greatestFiniteMagnitude.
        func y(_ v: Double) -> Double { high == low ? Self.height / 2 : Self.pad + h * (high / 2 - v / 2) / (high / 2 - low / 2) }
        let label = HTML.escape(words)
        var out = "<svg class=\"sparkline\" role=\"img\" aria-label=\"\(label)\" width=\"\(Self.num(Self.width))\" height=\"\(Self.num(Self.height))\""
            + " viewBox=\"0 0 \(Self.num(Self.width)) \(Self.num(Self.height))\"><title>\(label)</title>"
        if drawn.count > 1 {
            let line = drawn.indices.map { "\(Self.num(x($0))),\(Self.num(y(drawn[$0].value)))" }.joined(separator: " ")
            out += "<polyline points=\"\(line)\"/>"
        }
        for (i, p) in drawn.enumerated() where p.inService || drawn.count == 1 {
            out += "<circle\(p.inService ? " class=\"in-service\"" : "") cx=\"\(Self.num(x(i)))\" cy=\"\(Self.num(y(p.value)))\" r=\"2.5\"/>"
        }
        return out + "</svg>"
    }

    /// A coordinate to one decimal, the same on every machine (`12.5`, `3`).
    static func num(_ v: Double) -> String {
        guard v.isFinite, abs(v) < 1e12 else { return "0" }  // never a coordinate here; a trap if converted
        let tenths = Int((v * 10).rounded())
        let sign = tenths < 0 ? "-" : ""
        let a = abs(tenths)
        return sign + "\(a / 10)" + (a % 10 == 0 ? "" : ".\(a % 10)")
    }
}
