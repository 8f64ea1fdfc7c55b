import SluiceCore
import SluiceMonitor

/// Strict field access for artifact decoding (``ModelArtifact/decode(_:expectedDigest:)``), with a JSON path in every error.
struct ArtifactReader {
    var path: String

    func fail(_ what: String) -> LearnError { LearnError("artifact field \(path.isEmpty ? "(root)" : path): \(what)") }

    /// `a × b`, or `nil` when it overflows: sizes read from the file are untrusted.
    static func product(_ a: Int, _ b: Int) -> Int? {
        let (p, overflow) = a.multipliedReportingOverflow(by: b)
        return overflow ? nil : p
    }

    /// The first value listed twice, if any.
    static func duplicate(_ values: [String]) -> String? {
        var seen = Set<String>()
        return values.first { !seen.insert($0).inserted }
    }

    mutating func at<T>(_ key: String, _ body: (inout ArtifactReader) throws -> T) rethrows -> T {
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
        guard ModelArtifact.readableFormatVersions.contains(version) else {
            throw LearnError("model format version \(version) is not supported by this Sluice (it reads versions \(ModelArtifact.readableFormatVersions.lowerBound) to \(ModelArtifact.readableFormatVersions.upperBound)); retrain the model or upgrade Sluice")
        }
        let taskName = try at("task") { try $0.string(o["task"]) }
        guard let task = LearningTask(rawValue: taskName) else { throw at("task") { $0.fail("unknown task \"\(taskName)\"") } }
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
                    if let twice = ArtifactReader.duplicate(cats) { throw r.fail("category \"\(twice)\" is listed twice") }
                    features.append(.init(name: fname, kind: .categorical(categories: cats, fill: fill)))
                default: throw r.fail("unknown feature type")
                }
            }
        }
        if let twice = ArtifactReader.duplicate(features.map(\.name)) { throw at("features") { $0.fail("feature \"\(twice)\" is listed twice") } }
        var encoder = FeatureEncoder(features: features, encoding: encoding)
        if let st = o["standardize"] {
            let so = try at("standardize") { try $0.object(st) }
            encoder.means = try at("standardize.means") { try $0.doubles(so["means"]) }
            encoder.scales = try at("standardize.scales") { try $0.doubles(so["scales"]) }
            guard encoder.means.count == encoder.width, encoder.scales.count == encoder.width, encoder.scales.allSatisfy({ $0 > 0 }) else {
                throw at("standardize") { $0.fail("needs one mean and one positive scale per encoded column") }
            }
        }
        let width = encoder.width
        let t = try at("target") { try $0.object(o["target"]) }
        let target = TargetEncoding(
            name: try at("target.name") { try $0.string(t["name"]) },
            numeric: try at("target.type") { try $0.string(t["type"]) } == "numeric",
            classes: try at("target.classes") { try $0.strings(t["classes"]) })
        if task == .classification, target.classes.count < 2 { throw at("target.classes") { $0.fail("a classifier needs at least two classes") } }
        if task == .regression, !target.classes.isEmpty { throw at("target.classes") { $0.fail("a regressor has no classes") } }
        if let twice = ArtifactReader.duplicate(target.classes) { throw at("target.classes") { $0.fail("class \"\(twice)\" is listed twice") } }
        let classes = target.classes.count
        let outputs = task == .classification ? classes : 1
        let m = try at("model") { try $0.object(o["model"]) }
        let fitted: ModelArtifact.Fitted
        let kind = try at("model.kind") { try $0.string(m["kind"]) }
        switch kind {
        case "trees":
            let declared = try at("model.outputs") { try $0.int(m["outputs"]) }
            guard declared == outputs else {
                throw at("model.outputs") { $0.fail("does not match the task's \(outputs) output(s)") }
            }
            fitted = .trees(TreeEnsembleModel(trees: try trees(m, outputs: outputs, width: width), outputs: outputs))
        case "boosted":
            let expected = task == .regression ? 1 : (classes == 2 ? 1 : classes)
            let link = BoostedModel.Link(rawValue: try at("model.link") { try $0.string(m["link"]) })
            let expectedLink: BoostedModel.Link = task == .regression ? .identity : (classes == 2 ? .sigmoid : .softmax)
            let baseline = try at("model.baseline") { try $0.doubles(m["baseline"]) }
            let declared = try at("model.outputs") { try $0.int(m["outputs"]) }
            guard declared == expected, link == expectedLink, baseline.count == expected else {
                throw at("model") { $0.fail("outputs, link and baseline do not fit a \(task.rawValue) model with \(classes) classes") }
            }
            let list = try trees(m, outputs: 1, width: width)
            guard list.count % expected == 0 else { throw at("model.trees") { $0.fail("tree count is not a multiple of the outputs") } }
            fitted = .boosted(BoostedModel(trees: list, outputs: expected, baseline: baseline, link: expectedLink))
        case "linear":
            let d = try at("model.features") { try $0.int(m["features"]) }
            let weights = try at("model.weights") { try $0.doubles(m["weights"]) }
            let intercepts = try at("model.intercepts") { try $0.doubles(m["intercepts"]) }
            let link = LinearModel.Link(rawValue: try at("model.link") { try $0.string(m["link"]) })
            let expectedLink: LinearModel.Link = task == .regression ? .identity : (classes == 2 ? .sigmoid : .softmax)
            let outs = expectedLink == .softmax ? classes : 1
            guard d == width, link == expectedLink, intercepts.count == outs, weights.count == ArtifactReader.product(outs, d) else {
                throw at("model") { $0.fail("weight shapes and link do not fit \(width) features and \(outs) output(s)") }
            }
            fitted = .linear(LinearModel(weights: weights, intercepts: intercepts, features: d, link: expectedLink,
                                         iterations: m["iterations"]?.intValue, converged: m["converged"]?.boolValue))
        case "neighbors":
            let rows = try at("model.rows") { try $0.int(m["rows"]) }
            let d = try at("model.features") { try $0.int(m["features"]) }
            let k = try at("model.k") { try $0.int(m["k"]) }
            let points = try at("model.points") { try $0.doubles(m["points"]) }
            guard d == width, rows >= 1, k >= 1, k <= rows, points.count == ArtifactReader.product(rows, d),
                  let weighting = NeighborsEstimator.Weighting(rawValue: m["weights"]?.stringValue ?? "") else {
                throw at("model") { $0.fail("neighbour data does not fit \(width) features") }
            }
            var labels: [Int] = [], values: [Double] = []
            if task == .classification {
                labels = try at("model.labels") { try $0.ints(m["labels"]) }
                guard labels.count == rows, labels.allSatisfy({ $0 >= 0 && $0 < classes }) else { throw at("model.labels") { $0.fail("one class index per row expected") } }
            } else {
                values = try at("model.values") { try $0.doubles(m["values"]) }
                guard values.count == rows else { throw at("model.values") { $0.fail("one value per row expected") } }
            }
            fitted = .neighbors(NeighborsModel(x: Matrix(rows: rows, cols: d, values: points), labels: labels, values: values,
                                               classes: task == .classification ? classes : 0, k: k, weighting: weighting))
        case "naive_bayes":
            let priors = try at("model.priors") { try $0.doubles(m["priors"]) }
            let means = try at("model.means") { try $0.doubles(m["means"]) }
            let variances = try at("model.variances") { try $0.doubles(m["variances"]) }
            guard task == .classification, priors.count == classes, means.count == ArtifactReader.product(classes, width),
                  variances.count == ArtifactReader.product(classes, width),
                  variances.allSatisfy({ $0 > 0 }) else {
                throw at("model") { $0.fail("priors, means and variances do not fit \(classes) classes and \(width) features") }
            }
            fitted = .naiveBayes(NaiveBayesModel(priors: priors, means: means, variances: variances, features: width))
        default: throw at("model.kind") { $0.fail("unknown model kind \"\(kind)\"") }
        }
        if let what = fitted.nonFiniteParameter { throw at("model") { $0.fail("\(what) overflows: the model cannot predict") } }
        var reference: ReferenceProfile?
        if version >= 3 {
            reference = try at("reference") { r in
                guard let j = o["reference"] else { throw r.fail("format version 3 needs a reference profile") }
                let profile: ReferenceProfile
                do { profile = try ReferenceProfile(json: j) } catch { throw r.fail("\(error)") }
                guard profile.features.map(\.name) == features.map(\.name) else {
                    throw r.fail("the reference profile's features do not match the artifact's features")
                }
                try Self.checkCounts(profile, features: features, fail: r.fail)
                guard profile.isClassifier == (task == .classification),
                      task == .regression || profile.classes == target.classes else {
                    throw r.fail("the reference profile's prediction bins do not match the model's \(task == .classification ? "classes" : "task")")
                }
                return profile
            }
        } else if o["reference"] != nil {
            throw at("reference") { $0.fail("a reference profile needs format version 3") }
        }
        return ModelArtifact(task: task, algorithm: name, params: params, encoder: encoder, target: target, fitted: fitted, reference: reference)
    }

    /// Checks that a reference profile's bins fit the features' types and that its counts add up: every
    /// feature counted every training row, the prediction every test row.
    static func checkCounts(_ profile: ReferenceProfile, features: [FeatureEncoder.Feature], fail: (String) -> LearnError) throws {
        for (f, p) in zip(features, profile.features) {
            let numeric: Bool
            if case .numeric = f.kind { numeric = true } else { numeric = false }
            let numericBins: Bool
            if case .numeric = p.bins { numericBins = true } else { numericBins = false }
            guard numeric == numericBins else {
                throw fail("feature \"\(f.name)\" is \(numeric ? "numeric" : "categorical"), but its reference bins are not")
            }
            guard let total = sum(p.histogram.counts), total == profile.trainingRows else {
                throw fail("feature \"\(f.name)\"'s counts do not add up to the \(profile.trainingRows) training rows")
            }
        }
        guard let total = sum(profile.prediction.counts), total == profile.testRows else {
            throw fail("the prediction's counts do not add up to the \(profile.testRows) test rows")
        }
    }

    /// The sum of counts read from the file, or `nil` when it overflows.
    static func sum(_ counts: [Int]) -> Int? {
        var total = 0
        for c in counts {
            let (s, overflow) = total.addingReportingOverflow(c)
            if overflow { return nil }
            total = s
        }
        return total
    }

    /// The trees of a model, each checked.
    mutating func trees(_ m: [String: JSON], outputs: Int, width: Int) throws -> [Tree] {
        guard let list = m["trees"]?.arrayValue, !list.isEmpty else { throw at("model.trees") { $0.fail("expected a non-empty array") } }
        var trees: [Tree] = []
        var nodes = 0
        for (i, tj) in list.enumerated() {
            try at("model.trees[\(i)]") { r in
                let to = try r.object(tj)
                let tree = Tree(feature: try r.ints(to["feature"]), threshold: try r.doubles(to["threshold"]), left: try r.ints(to["left"]),
                                right: try r.ints(to["right"]), value: try r.doubles(to["value"]), outputs: outputs)
                try r.check(tree, width: width)
                // Prediction packs every node into one array indexed by 32-bit integers.
                nodes += tree.nodeCount
                guard nodes < Int(Int32.max / 2), width < 1 << 30 else { throw r.fail("too many nodes or features to pack") }
                trees.append(tree)
            }
        }
        return trees
    }

    /// A tree is well formed when its arrays agree, every inner node's children come after it
    /// (so walking it always ends) and every split names an existing feature.
    func check(_ t: Tree, width: Int) throws {
        let n = t.feature.count
        guard n > 0, t.threshold.count == n, t.left.count == n, t.right.count == n, t.value.count == ArtifactReader.product(n, t.outputs) else {
            throw fail("node arrays have different lengths")
        }
        for i in 0..<n where t.feature[i] >= 0 {
            guard t.feature[i] < width, t.left[i] > i, t.left[i] < n, t.right[i] > i, t.right[i] < n else {
                throw fail("node \(i) links outside the tree or to a feature that does not exist")
            }
        }
    }
}
