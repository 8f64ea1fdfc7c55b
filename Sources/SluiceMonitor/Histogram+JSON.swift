import SluiceCore

extension ReferenceBins {
    /// The JSON form: `{"kind": "numeric", "edges": [...]}` or `{"kind": "categorical", "categories": [...]}`.
    public var json: JSON {
        switch self {
        case .numeric(let edges): ["kind": "numeric", "edges": .numbers(edges)]
        case .categorical(let categories): ["kind": "categorical", "categories": .strings(categories)]
        }
    }

    /// Reads the form written by ``json``.
    ///
    /// - Throws: ``MonitorError`` naming the field that is missing or malformed.
    public init(json: JSON) throws(MonitorError) {
        switch json["kind"]?.stringValue {
        case "numeric":
            guard let items = json["edges"]?.arrayValue else { throw MonitorError("numeric bins need \"edges\", an array of numbers") }
            var edges: [Double] = []
            for item in items {
                guard let e = item.doubleValue, e.isFinite else { throw MonitorError("\"edges\" must hold only finite numbers") }
                guard edges.last.map({ $0 < e }) ?? true else { throw MonitorError("\"edges\" must be strictly ascending") }
                edges.append(e)
            }
            self = .numeric(edges: edges)
        case "categorical":
            guard let items = json["categories"]?.arrayValue else {
                throw MonitorError("categorical bins need \"categories\", an array of strings")
            }
            var categories: [String] = []
            for item in items {
                guard let c = item.stringValue else { throw MonitorError("\"categories\" must hold only strings") }
                categories.append(c)
            }
            guard Set(categories).count == categories.count else { throw MonitorError("\"categories\" must not repeat a category") }
            self = .categorical(categories: categories)
        default:
            throw MonitorError("bins need \"kind\": \"numeric\" or \"categorical\"")
        }
    }
}

extension Histogram {
    /// The JSON form: `{"bins": <bins>, "counts": [...]}`.
    public var json: JSON { ["bins": bins.json, "counts": .integers(counts)] }

    /// Reads the form written by ``json``.
    ///
    /// - Throws: ``MonitorError`` when a field is missing or malformed, or the counts do not fit the bins.
    public init(json: JSON) throws(MonitorError) {
        guard let binsJSON = json["bins"] else { throw MonitorError("a histogram needs \"bins\"") }
        let bins = try ReferenceBins(json: binsJSON)
        guard let items = json["counts"]?.arrayValue else { throw MonitorError("a histogram needs \"counts\", an array of integers") }
        var counts: [Int] = []
        for item in items {
            guard let c = item.intValue else { throw MonitorError("\"counts\" must hold only integers") }
            counts.append(c)
        }
        try self.init(bins: bins, counts: counts)
    }
}
