import SluiceCore

extension ModelArtifact {
    /// The artifact as a JSON document.
    public var json: JSON {
        let features: [JSON] = encoder.features.map { f in
            switch f.kind {
            case .numeric(let fill): ["name": .string(f.name), "type": "numeric", "fill": .number(fill)]
            case .categorical(let cats, let fill):
                ["name": .string(f.name), "type": "categorical", "categories": .strings(cats), "fill": .number(Double(fill))]
            }
        }
        let model: JSON
        switch fitted {
        case .trees(let m):
            model = [
                "kind": "trees", "classes": .number(Double(m.classes)),
                "trees": .array(m.trees.map { t in
                    ["feature": .integers(t.feature), "threshold": .numbers(t.threshold), "left": .integers(t.left),
                     "right": .integers(t.right), "value": .numbers(t.value)]
                }),
            ]
        case .linear(let m):
            model = [
                "kind": "linear", "features": .number(Double(m.features)), "weights": .numbers(m.weights),
                "intercepts": .numbers(m.intercepts), "iterations": .number(Double(m.iterations)), "converged": .bool(m.converged),
            ]
        }
        return [
            "format": .string(ModelArtifact.formatName),
            "formatVersion": .number(Double(ModelArtifact.formatVersion)),
            "task": .string(task.rawValue),
            "algorithm": ["name": .string(algorithm), "params": .object(params)],
            "features": .array(features),
            "encoding": .string(encoder.encoding.rawValue),
            "target": ["name": .string(target.name), "type": target.numeric ? "numeric" : "string", "classes": .strings(target.classes)],
            "model": model,
        ]
    }

    /// Reads an artifact, checking its digest first when one is expected, then every structural
    /// invariant (array lengths, node links, feature indices), so a corrupt or hostile file can
    /// neither crash nor hang a reader.
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
        var r = Reader(path: "")
        return try r.artifact(root)
    }
}

/// Strict field access for artifact decoding, with a JSON path in every error.
private struct Reader {
    var path: String

    func fail(_ what: String) -> LearnError { LearnError("artifact field \(path.isEmpty ? "(root)" : path): \(what)") }

    mutating func at<T>(_ key: String, _ body: (inout Reader) throws -> T) rethrows -> T {
        let saved = path
        path = path.isEmpty ? key : "\(path).\(key)"
        defer { path = saved }
        return try body(&self)
    }

    func object(_ v: JSON?) throws -> [String: JSON] {
        guard let o = v?.objectValue else { throw fail("expected an object") }
        return o
    }
    func string(_ v: JSON?) throws -> String {
        guard let s = v?.stringValue else { throw fail("expected a string") }
        return s
    }
    func int(_ v: JSON?) throws -> Int {
        guard let i = v?.intValue else { throw fail("expected an integer") }
        return i
    }
    func double(_ v: JSON?) throws -> Double {
        guard let d = v?.doubleValue else { throw fail("expected a number") }
        return d
    }
    func doubles(_ v: JSON?) throws -> [Double] {
        guard let a = v?.arrayValue else { throw fail("expected an array of numbers") }
        return try a.map { guard let d = $0.doubleValue else { throw fail("expected an array of numbers") }; return d }
    }
    func ints(_ v: JSON?) throws -> [Int] {
        guard let a = v?.arrayValue else { throw fail("expected an array of integers") }
        return try a.map { guard let i = $0.intValue else { throw fail("expected an array of integers") }; return i }
    }
    func strings(_ v: JSON?) throws -> [String] {
        guard let a = v?.arrayValue else { throw fail("expected an array of strings") }
        return try a.map { guard let s = $0.stringValue else { throw fail("expected an array of strings") }; return s }
    }

    mutating func artifact(_ root: JSON) throws -> ModelArtifact {
        let o = try object(root)
        let format = try at("format") { try $0.string(o["format"]) }
        guard format == ModelArtifact.formatName else { throw LearnError("not a Sluice model: format is \"\(format)\", expected \"\(ModelArtifact.formatName)\"") }
        let version = try at("formatVersion") { try $0.int(o["formatVersion"]) }
        guard version == ModelArtifact.formatVersion else {
            throw LearnError("model format version \(version) is not supported by this Sluice (it reads version \(ModelArtifact.formatVersion)); retrain the model or upgrade Sluice")
        }
        let taskName = try at("task") { try $0.string(o["task"]) }
        guard let task = Task(rawValue: taskName) else { throw at("task") { $0.fail("unknown task \"\(taskName)\"") } }
        let algorithm = try at("algorithm") { r in try r.object(o["algorithm"]) }
        let name = try at("algorithm.name") { try $0.string(algorithm["name"]) }
        let params = try at("algorithm.params") { try $0.object(algorithm["params"]) }
        let encodingName = try at("encoding") { try $0.string(o["encoding"]) }
        guard let encoding = FeatureEncoder.CategoryEncoding(rawValue: encodingName) else { throw at("encoding") { $0.fail("unknown encoding \"\(encodingName)\"") } }
        guard let featureList = o["features"]?.arrayValue, !featureList.isEmpty else { throw at("features") { $0.fail("expected a non-empty array") } }
        var features: [FeatureEncoder.Feature] = []
        for (i, f) in featureList.enumerated() {
            try at("features[\(i)]") { r in
                let fo = try r.object(f)
                let fname = try r.string(fo["name"])
                switch try r.string(fo["type"]) {
                case "numeric": features.append(.init(name: fname, kind: .numeric(fill: try r.double(fo["fill"]))))
                case "categorical":
                    let cats = try r.strings(fo["categories"])
                    let fill = try r.int(fo["fill"])
                    guard !cats.isEmpty, cats.indices.contains(fill) else { throw r.fail("fill index out of range") }
                    features.append(.init(name: fname, kind: .categorical(categories: cats, fill: fill)))
                default: throw r.fail("unknown feature type")
                }
            }
        }
        let encoder = FeatureEncoder(features: features, encoding: encoding)
        let t = try at("target") { try $0.object(o["target"]) }
        let target = TargetEncoding(
            name: try at("target.name") { try $0.string(t["name"]) },
            numeric: try at("target.type") { try $0.string(t["type"]) } == "numeric",
            classes: try at("target.classes") { try $0.strings(t["classes"]) })
        guard target.classes.count >= 2 else { throw at("target.classes") { $0.fail("a classifier needs at least two classes") } }
        let m = try at("model") { try $0.object(o["model"]) }
        let fitted: ModelArtifact.Fitted
        let kind = try at("model.kind") { try $0.string(m["kind"]) }
        switch kind {
        case "trees":
            let classes = try at("model.classes") { try $0.int(m["classes"]) }
            guard classes == target.classes.count else { throw at("model.classes") { $0.fail("does not match the number of target classes") } }
            guard let list = m["trees"]?.arrayValue, !list.isEmpty else { throw at("model.trees") { $0.fail("expected a non-empty array") } }
            var trees: [Tree] = []
            for (i, tj) in list.enumerated() {
                try at("model.trees[\(i)]") { r in
                    let to = try r.object(tj)
                    let tree = Tree(feature: try r.ints(to["feature"]), threshold: try r.doubles(to["threshold"]), left: try r.ints(to["left"]),
                                    right: try r.ints(to["right"]), value: try r.doubles(to["value"]), outputs: classes)
                    try r.check(tree, width: encoder.width)
                    trees.append(tree)
                }
            }
            fitted = .trees(TreeEnsembleModel(trees: trees, classes: classes))
        case "linear":
            let d = try at("model.features") { try $0.int(m["features"]) }
            let weights = try at("model.weights") { try $0.doubles(m["weights"]) }
            let intercepts = try at("model.intercepts") { try $0.doubles(m["intercepts"]) }
            let outputs = target.classes.count == 2 ? 1 : target.classes.count
            guard d == encoder.width, intercepts.count == outputs, weights.count == outputs * d else {
                throw at("model") { $0.fail("weight shapes do not match \(d) features and \(outputs) outputs") }
            }
            fitted = .linear(LinearClassifierModel(
                weights: weights, intercepts: intercepts, features: d, classes: target.classes.count,
                iterations: try at("model.iterations") { try $0.int(m["iterations"]) },
                converged: m["converged"]?.boolValue ?? false))
        case let other: throw at("model.kind") { $0.fail("unknown model kind \"\(other)\"") }
        }
        return ModelArtifact(task: task, algorithm: name, params: params, encoder: encoder, target: target, fitted: fitted)
    }

    /// A tree is well formed when its arrays agree, every inner node's children come after it
    /// (so walking it always ends) and every split names an existing feature.
    func check(_ t: Tree, width: Int) throws {
        let n = t.feature.count
        guard n > 0, t.threshold.count == n, t.left.count == n, t.right.count == n, t.value.count == n * t.outputs else {
            throw fail("node arrays have different lengths")
        }
        for i in 0..<n where t.feature[i] >= 0 {
            guard t.feature[i] < width, t.left[i] > i, t.left[i] < n, t.right[i] > i, t.right[i] < n else {
                throw fail("node \(i) links outside the tree or to a feature that does not exist")
            }
        }
    }
}
