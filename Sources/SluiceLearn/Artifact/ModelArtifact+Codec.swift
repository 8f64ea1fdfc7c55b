import SluiceCore
import SluiceMonitor

extension ModelArtifact {
    /// The artifact as a JSON document.
    public var json: JSON { document(trees: nil) }

    /// The document, with `trees` in place of a tree ensemble's list of trees when given.
    func document(trees placeholder: JSON?) -> JSON {
        let features: [JSON] = encoder.features.map { f in
            switch f.kind {
            case .numeric(let fill): ["name": .string(f.name), "type": "numeric", "fill": .number(fill)]
            case .categorical(let cats, let fill):
                ["name": .string(f.name), "type": "categorical", "categories": .strings(cats), "fill": .number(Double(fill))]
            }
        }
        func treesJSON(_ trees: [Tree]) -> JSON {
            .array(trees.map { t in
                ["feature": .integers(t.feature), "threshold": .numbers(t.threshold), "left": .integers(t.left),
                 "right": .integers(t.right), "value": .numbers(t.value)]
            })
        }
        let model: JSON
        switch fitted {
        case .trees(let m):
            model = ["kind": "trees", "outputs": .number(Double(m.outputs)), "trees": placeholder ?? treesJSON(m.trees)]
        case .boosted(let m):
            model = ["kind": "boosted", "outputs": .number(Double(m.outputs)), "baseline": .numbers(m.baseline),
                     "link": .string(m.link.rawValue), "trees": treesJSON(m.trees)]
        case .linear(let m):
            var o: [String: JSON] = [
                "kind": "linear", "features": .number(Double(m.features)), "weights": .numbers(m.weights),
                "intercepts": .numbers(m.intercepts), "link": .string(m.link.rawValue),
            ]
            if let i = m.iterations { o["iterations"] = .number(Double(i)) }
            if let c = m.converged { o["converged"] = .bool(c) }
            model = .object(o)
        case .neighbors(let m):
            var o: [String: JSON] = [
                "kind": "neighbors", "k": .number(Double(m.k)), "weights": .string(m.weighting.rawValue),
                "rows": .number(Double(m.x.rows)), "features": .number(Double(m.x.cols)), "points": .numbers(m.x.values),
            ]
            if m.classes > 0 { o["labels"] = .integers(m.labels) } else { o["values"] = .numbers(m.values) }
            model = .object(o)
        case .naiveBayes(let m):
            model = ["kind": "naive_bayes", "features": .number(Double(m.features)), "priors": .numbers(m.priors),
                     "means": .numbers(m.means), "variances": .numbers(m.variances)]
        }
        var doc: [String: JSON] = [
            "format": .string(ModelArtifact.formatName),
            "formatVersion": .number(Double(reference == nil ? 2 : ModelArtifact.formatVersion)),
            "task": .string(task.rawValue),
            "algorithm": ["name": .string(algorithm), "params": .object(params)],
            "features": .array(features),
            "encoding": .string(encoder.encoding.rawValue),
            "target": ["name": .string(target.name), "type": target.numeric ? "numeric" : "string", "classes": .strings(target.classes)],
            "model": model,
        ]
        if let reference { doc["reference"] = reference.json }
        if !encoder.means.isEmpty { doc["standardize"] = ["means": .numbers(encoder.means), "scales": .numbers(encoder.scales)] }
        return .object(doc)
    }

    /// Reads an artifact, checking its digest first when one is expected, then every structural
    /// invariant (array lengths, node links, feature indices, distinct names and categories, sizes
    /// whose products are computed without overflow, fitted values whose arithmetic cannot
    /// overflow), so a corrupt or hostile file can neither crash nor hang a reader.
    /// - Throws: ``LearnError`` saying what does not match.
    public static func decode(_ bytes: [UInt8], expectedDigest: String?) throws -> ModelArtifact {
        if let expectedDigest {
            let actual = SHA256.hex(of: bytes)
            guard actual == expectedDigest else {
                throw LearnError("artifact digest mismatch: expected sha256 \(expectedDigest), the file has \(actual); it was changed or is incomplete")
            }
        }
        let root: JSON
        do { root = try JSONParser.parse(bytes).value } catch {
            throw LearnError("artifact is not valid JSON: \(error)")
        }
        var r = ArtifactReader(path: "")
        return try r.artifact(root)
    }
}
