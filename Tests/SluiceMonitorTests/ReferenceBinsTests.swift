import SluiceCore
import SluiceMonitor
import Testing

@Suite("Reference bins and histograms")
struct ReferenceBinsTests {
    @Test("deciles match np.quantile (linear) and edges match np.unique of them")
    func decilesMatchNumpy() {
        for case let item in Fixtures.json["quantiles"]!.arrayValue! {
            let values = Fixtures.doubles(item["values"])
            let name = item["name"]!.stringValue!
            #expect(close(Quantile.deciles(values), Fixtures.doubles(item["deciles"])), "\(name)")
            #expect(ReferenceBins.numeric(fitting: values) == .numeric(edges: Fixtures.doubles(item["edges"])), "\(name)")
        }
    }

    @Test("values fall into (-inf, e1], (e1, e2], ..., (ek, +inf), then missing")
    func numericBinBoundaries() {
        let bins = ReferenceBins.numeric(edges: [1, 2, 3])
        #expect(bins.count == 5)
        #expect([-.infinity, 0.5, 1, 1.5, 2, 3, 3.0000001, .infinity].map { bins.index(of: $0) } == [0, 0, 0, 1, 1, 2, 3, 3])
        #expect(bins.index(of: Double.nan) == 4)
        #expect(bins.index(of: nil as Double?) == 4)
        #expect(bins.index(of: "2.5") == 2)
        #expect(bins.index(of: "abc") == 4)
    }

    @Test("no finite training value gives one open bin plus missing")
    func emptyNumeric() {
        let bins = ReferenceBins.numeric(fitting: [.nan, .infinity])
        #expect(bins == .numeric(edges: []))
        #expect(bins.index(of: 5.0) == 0)
        #expect(bins.index(of: Double.nan) == 1)
    }

    @Test("categorical bins keep the top K by count, ties by UTF-8 order, then other and missing")
    func categoricalTopK() {
        let values = Fixtures.json["categorical"]!["values"]!.arrayValue!.map(\.stringValue)
        let all = Fixtures.strings(Fixtures.json["categorical"]!["all"])
        #expect(ReferenceBins.categorical(fitting: values) == .categorical(categories: all))
        let top3 = ReferenceBins.categorical(fitting: values, top: 3)
        #expect(top3 == .categorical(categories: Fixtures.strings(Fixtures.json["categorical"]!["top3"])))
        #expect(top3.index(of: "a") == 0)
        #expect(top3.index(of: "z") == 3)
        #expect(top3.index(of: nil as String?) == 4)
        #expect(ReferenceBins.categorical(categories: ["1", "2.5"]).index(of: 1.0) == 0)
    }

    @Test("histograms count, merge by addition, and refuse other bins")
    func histogramMerge() throws {
        let bins = ReferenceBins.numeric(edges: [0])
        var a = Histogram(bins: bins), b = Histogram(bins: bins)
        for v in [-1.0, 0, 2] { a.add(v) }
        b.add(nil as Double?)
        b.add(5)
        let sum = try a.merging(b)
        #expect(sum.counts == [2, 2, 1])
        #expect(sum.total == 5)
        #expect(throws: MonitorError.self) { try a.merge(Histogram(bins: .numeric(edges: [1]))) }
        #expect(throws: MonitorError.self) { try Histogram(bins: bins, counts: [1, 2]) }
        #expect(throws: MonitorError.self) { try Histogram(bins: bins).proportions() }
    }

    @Test("counting in buckets and merging equals counting everything at once")
    func bucketsMerge() throws {
        let e2e = Fixtures.json["endToEnd"]!
        let values = Fixtures.optionalDoubles(e2e["current"])
        let bins = ReferenceBins.numeric(edges: Fixtures.doubles(e2e["edges"]))
        var whole = Histogram(bins: bins)
        for v in values { whole.add(v) }
        var merged = Histogram(bins: bins)
        for start in stride(from: 0, to: values.count, by: 97) {
            var bucket = Histogram(bins: bins)
            for v in values[start..<min(start + 97, values.count)] { bucket.add(v) }
            try merged.merge(bucket)
        }
        #expect(merged == whole)
        #expect(merged.total == values.count)
    }

    @Test("the JSON form round-trips through canonical text")
    func jsonRoundTrip() throws {
        let values = Fixtures.doubles(Fixtures.json["quantiles"]!.arrayValue![0]["values"])
        var numeric = Histogram(bins: .numeric(fitting: values))
        for v in values { numeric.add(v) }
        numeric.add(nil as Double?)
        var categorical = Histogram(bins: .categorical(categories: ["é", "a\"b", "x"]))
        for c in ["é", "q", "x", "x"] { categorical.add(c) }
        for h in [numeric, categorical] {
            let text = h.json.canonical()
            let back = try Histogram(json: try JSONParser.parse(text).value)
            #expect(back == h)
        }
    }

    @Test("malformed JSON forms are refused", arguments: [
        #"{"bins": {"kind": "numeric", "edges": [2, 1]}, "counts": [0, 0, 0, 0]}"#,
        #"{"bins": {"kind": "numeric", "edges": [1]}, "counts": [0, 0]}"#,
        #"{"bins": {"kind": "numeric", "edges": [1]}, "counts": [0, 0, 1.5]}"#,
        #"{"bins": {"kind": "ordinal"}, "counts": []}"#,
        #"{"bins": {"kind": "categorical", "categories": ["a", "a"]}, "counts": [0, 0, 0, 0]}"#,
    ])
    func malformedJSON(text: String) throws {
        let json = try JSONParser.parse(text).value
        #expect(throws: MonitorError.self) { try Histogram(json: json) }
    }
}
