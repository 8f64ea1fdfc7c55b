import SluiceCore
import SluiceLearn

/// Decodes manifest files strictly: every problem becomes a ``ManifestError`` naming the file,
/// the position, the JSON path, the bad value and what is allowed. All problems of a file are
/// reported, not just the first.
public enum ManifestDecoder {
    /// Decodes one file holding a manifest object or an array of them.
    /// - Parameters:
    ///   - bytes: the file's content.
    ///   - file: its path relative to the root, for messages.
    /// - Returns: the manifests that decoded cleanly, and the errors of those that did not.
    public static func decode(_ bytes: [UInt8], file: String) -> (manifests: [Manifest], errors: [ManifestError]) {
        let root: JSONNode
        do { root = try JSONParser.parse(bytes) } catch {
            return ([], [ManifestError(file: file, position: error.position, path: "", message: "invalid JSON: \(error.message)")])
        }
        var manifests: [Manifest] = []
        var errors: [ManifestError] = []
        let items: [(JSONNode, String)]
        if case .array(let list) = root.kind {
            if list.isEmpty {
                return ([], [ManifestError(file: file, position: root.position, path: "", message: "the file holds an empty array; put one manifest object or an array of them in it")])
            }
            items = list.enumerated().map { ($1, "[\($0)]") }
        } else {
            items = [(root, "")]
        }
        for (node, prefix) in items {
            var reader = FieldReader(file: file, prefix: prefix)
            if let m = reader.manifest(node), reader.errors.isEmpty {
                manifests.append(m)
            }
            errors += reader.errors
        }
        return (manifests, errors)
    }
}

/// Walks one manifest's JSON, collecting errors.
struct FieldReader {
    let file: String
    let prefix: String
    var errors: [ManifestError] = []
    var modelName: String?

    init(file: String, prefix: String) {
        self.file = file
        self.prefix = prefix
    }

    func join(_ path: String, _ key: String) -> String {
        path.isEmpty ? key : "\(path).\(key)"
    }

    mutating func fail(_ node: JSONNode?, _ path: String, _ message: String, at position: SourcePosition? = nil) {
        let full = prefix.isEmpty ? path : (path.isEmpty ? prefix : "\(prefix).\(path)")
        errors.append(ManifestError(file: file, position: position ?? node?.position, path: full, message: message, model: modelName))
    }

    /// The members of an object, checking for unknown, duplicate and missing fields.
    mutating func object(_ node: JSONNode, _ path: String, allowed: [String], required: [String] = []) -> [String: JSONNode]? {
        guard case .object(let members) = node.kind else {
            fail(node, path, "expected an object, got \(node.typeDescription) \(node.snippet)")
            return nil
        }
        var out: [String: JSONNode] = [:]
        for m in members {
            let fieldPath = join(path, m.key)
            if !allowed.contains(m.key) {
                fail(m.value, fieldPath, "unknown field \"\(m.key)\"\(Suggestion.hint(m.key, allowed)) (allowed: \(allowed.joined(separator: ", ")))", at: m.keyPosition)
                continue
            }
            if out[m.key] != nil {
                fail(m.value, fieldPath, "field \"\(m.key)\" appears twice; keep one", at: m.keyPosition)
                continue
            }
            out[m.key] = m.value
        }
        for r in required where out[r] == nil {
            fail(node, join(path, r), "required field \"\(r)\" is missing")
        }
        return out
    }

    mutating func string(_ node: JSONNode?, _ path: String, nonEmpty: Bool = true) -> String? {
        guard let node else { return nil }
        guard case .string(let s) = node.kind else {
            fail(node, path, "expected a string, got \(node.typeDescription) \(node.snippet)")
            return nil
        }
        if nonEmpty && s.isEmpty {
            fail(node, path, "must not be empty")
            return nil
        }
        return s
    }

    mutating func bool(_ node: JSONNode?, _ path: String, default value: Bool) -> Bool {
        guard let node else { return value }
        guard case .bool(let b) = node.kind else {
            fail(node, path, "expected true or false, got \(node.typeDescription) \(node.snippet)")
            return value
        }
        return b
    }

    mutating func number(_ node: JSONNode?, _ path: String) -> Double? {
        guard let node else { return nil }
        guard case .number(let d, _) = node.kind else {
            fail(node, path, "expected a number, got \(node.typeDescription) \(node.snippet)")
            return nil
        }
        return d
    }

    mutating func manifest(_ node: JSONNode) -> Manifest? {
        guard let root = object(node, "", allowed: ManifestFields.root, required: ManifestFields.root) else { return nil }
        if let v = root["apiVersion"], let s = string(v, "apiVersion"), s != Manifest.apiVersion {
            fail(v, "apiVersion", "\(v.snippet) is not supported; expected \"\(Manifest.apiVersion)\"")
        }
        if let v = root["kind"], let s = string(v, "kind"), s != Manifest.kind {
            fail(v, "kind", "\(v.snippet) is not supported; expected \"\(Manifest.kind)\"")
        }
        var name: String?
        var labels: [String: String] = [:]
        if let meta = root["metadata"], let m = object(meta, "metadata", allowed: ManifestFields.metadata, required: ["name"]) {
            name = self.name(m["name"])
            modelName = name
            if let l = m["labels"] { labels = self.labels(l) }
        }
        guard let specNode = root["spec"],
              let spec = object(specNode, "spec", allowed: ManifestFields.spec, required: ["dataset", "algorithm", "deploy"])
        else { return nil }
        var task: LearningTask?
        if let t = spec["task"], let s = string(t, "spec.task") {
            task = LearningTask(rawValue: s)
            if task == nil { fail(t, "spec.task", "\(t.snippet) is not a task; expected \"classification\" or \"regression\"\(Suggestion.hint(s, LearningTask.allCases.map(\.rawValue)))") }
        }
        let dataset = spec["dataset"].flatMap { self.dataset($0) }
        let algorithm = spec["algorithm"].flatMap { self.algorithm($0, task: task) }
        let gate = spec["gate"].map { self.gate($0, task: task, algorithm: algorithm?.name) } ?? []
        let deploy = spec["deploy"].flatMap { self.deploy($0) }
        let formats = spec["deploy"].map { self.formats($0, deploy: deploy, algorithm: algorithm?.name, features: dataset?.features) }
            ?? PublishFormat.standard
        let suspend = bool(spec["suspend"], "spec.suspend", default: false)
        let retired = bool(spec["retired"], "spec.retired", default: false)
        let monitor = spec["monitor"].flatMap { self.monitor($0, deploy: deploy, gate: gate) }
        if let dataset, let f = dataset.features, f.contains(dataset.target) {
            fail(spec["dataset"], "spec.dataset.features", "lists the target \"\(dataset.target)\"; a column cannot be both target and feature")
        }
        guard let name, let dataset, let algorithm, let deploy else { return nil }
        return Manifest(
            name: name, labels: labels, task: task, dataset: dataset, algorithm: algorithm.name, params: algorithm.params,
            gate: gate, deploy: deploy, formats: formats, suspend: suspend, retired: retired, monitor: monitor,
            origin: .init(file: file, position: node.position))
    }

    mutating func name(_ node: JSONNode?) -> String? {
        guard let node, let s = string(node, "metadata.name") else { return nil }
        let path = "metadata.name"
        if Self.isDNSLabel(s) { return s }
        var problem: String?
        if s.count > 63 { problem = "is \(s.count) characters long; at most 63 are allowed" }
        else if s.contains("/") { problem = "contains \"/\"" }
        else if s.contains("..") { problem = "contains \"..\"" }
        else if s.contains(where: { $0.isUppercase }) { problem = "contains upper-case letters (try \"\(s.lowercased())\")" }
        else if !Self.isDNSLabel(s) { problem = "is not a DNS label" }
        if let problem {
            fail(node, path, "\(node.snippet) \(problem); a name must be a DNS label: lower-case letters, digits and '-', starting and ending with a letter or digit, at most 63 characters")
            return nil
        }
        return s
    }

    static func isDNSLabel(_ s: String) -> Bool { ManifestFields.isModelName(s) }

    mutating func labels(_ node: JSONNode) -> [String: String] {
        guard case .object(let members) = node.kind else {
            fail(node, "metadata.labels", "expected an object of strings, got \(node.typeDescription)")
            return [:]
        }
        var out: [String: String] = [:]
        for m in members {
            if let v = string(m.value, "metadata.labels.\(m.key)", nonEmpty: false) { out[m.key] = v }
        }
        return out
    }

    /// A dataset location (``DatasetSourceKind``): a URL, a database, or a relative path that stays
    /// inside the repository root.
    mutating func path(_ node: JSONNode?, _ path: String) -> String? {
        guard let node, let s = string(node, path) else { return nil }
        switch DatasetSourceKind(s) {
        case .http, .postgres: return s
        case .s3:
            let rest = s.dropFirst("s3://".count)
            guard let slash = rest.firstIndex(of: "/"), slash != rest.startIndex, rest.index(after: slash) != rest.endIndex else {
                fail(node, path, "\(node.snippet) does not name an object; expected s3://BUCKET/KEY")
                return nil
            }
            return s
        case .sqlite:
            let file = String(s.dropFirst("sqlite:".count))
            guard !file.isEmpty else {
                fail(node, path, "\(node.snippet) names no database file; expected sqlite:PATH, a path relative to the repository root")
                return nil
            }
            return relativePath(node, path, file) == nil ? nil : s
        case .file:
            if s.contains("://") {
                fail(node, path, "\(node.snippet) uses an unsupported scheme; use a path relative to the repository root, an http(s):// or s3:// URL, or a database (postgres://…, sqlite:PATH) with \"query\"")
                return nil
            }
            return relativePath(node, path, s)
        }
    }

    /// `s` when it is a relative path that stays inside the repository root.
    private mutating func relativePath(_ node: JSONNode, _ path: String, _ s: String) -> String? {
        if s.hasPrefix("/") {
            fail(node, path, "\(node.snippet) is an absolute path; give a path relative to the repository root")
            return nil
        }
        var depth = 0
        for part in s.split(separator: "/", omittingEmptySubsequences: true) {
            if part == ".." { depth -= 1 } else if part != "." { depth += 1 }
            if depth < 0 {
                fail(node, path, "\(node.snippet) escapes the repository root; data must live inside the repository (or be fetched from a URL)")
                return nil
            }
        }
        return s
    }

    mutating func pin(_ node: JSONNode?, _ path: String) -> String? {
        guard let node else { return nil }
        if case .null = node.kind { return nil }
        guard let s = string(node, path) else { return nil }
        guard s.utf8.count == 64, s.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) else {
            fail(node, path, "\(node.snippet) is not a SHA-256 digest; expected 64 lower-case hexadecimal characters (e.g. from `sha256sum FILE`)")
            return nil
        }
        return s
    }

    mutating func dataset(_ node: JSONNode) -> DatasetSpec? {
        let p = "spec.dataset"
        guard let d = object(node, p, allowed: ManifestFields.dataset, required: ["source", "target"]) else { return nil }
        let source = path(d["source"], "\(p).source")
        let target = string(d["target"], "\(p).target")
        var features: [String]?
        if let f = d["features"] {
            if case .array(let items) = f.kind {
                if items.isEmpty { fail(f, "\(p).features", "is empty; list at least one column, or leave the field out to use every column but the target") }
                var names: [String] = []
                // A set for the duplicate check: a list of tens of thousands of columns is linear work.
                var seen = Set<String>()
                for (i, item) in items.enumerated() {
                    if let s = string(item, "\(p).features[\(i)]") {
                        if !seen.insert(s).inserted { fail(item, "\(p).features[\(i)]", "\"\(s)\" is listed twice") }
                        names.append(s)
                    }
                }
                features = names
            } else if case .null = f.kind {
                features = nil
            } else {
                fail(f, "\(p).features", "expected an array of column names, got \(f.typeDescription) \(f.snippet)")
            }
        }
        var split = SplitSpec.defaults(.sluice)
        if let s = d["split"], let o = object(s, "\(p).split", allowed: ManifestFields.split) {
            split = self.split(o, "\(p).split")
        }
        let test = d["test"].flatMap { path($0, "\(p).test") }
        if d["test"] != nil, d["split"] != nil {
            fail(d["split"], "\(p).split", "cannot be combined with \"test\": the fixed test file replaces the split; remove one of them")
        }
        let sha = pin(d["sha256"], "\(p).sha256")
        let testSha = pin(d["testSha256"], "\(p).testSha256")
        if d["testSha256"] != nil, d["test"] == nil {
            fail(d["testSha256"], "\(p).testSha256", "pins a test file, but \"test\" is not set")
        }
        var query: String?
        if let q = d["query"] {
            query = string(q, "\(p).query")
            if let query, let problem = DatasetQuery.problem(query) {
                fail(q, "\(p).query", "\(q.snippet) \(problem)")
            }
            if let source, !DatasetSourceKind(source).isQuery {
                fail(q, "\(p).query", "is set, but spec.dataset.source \"\(Redaction.url(source))\" is not a database; a query reads a postgres://… or sqlite:PATH source. Remove it")
            }
        } else if let source, DatasetSourceKind(source).isQuery {
            fail(d["source"], "\(p).query", "required field \"query\" is missing: the database source \"\(Redaction.url(source))\" is read with a query (SELECT … ORDER BY …)")
        }
        if let test, DatasetSourceKind(test).isQuery {
            fail(d["test"], "\(p).test", "\"\(test)\" is a database; a fixed test set must be a file or a URL (query the test rows into the source and use \"split\")")
        }
        guard let source, let target else { return nil }
        return DatasetSpec(source: source, target: target, features: features, split: split, test: test, sha256: sha, testSha256: testSha,
                           query: query)
    }

    /// `spec.dataset.split`: the method first, since it decides the defaults of the other fields.
    mutating func split(_ o: [String: JSONNode], _ p: String) -> SplitSpec {
        var split = SplitSpec.defaults(.sluice)
        if let node = o["method"], let s = string(node, "\(p).method") {
            let names = SplitMethod.allCases.map(\.rawValue)
            if let method = SplitMethod(rawValue: s) { split = SplitSpec.defaults(method) } else {
                fail(node, "\(p).method", "unknown split method \(node.snippet)\(Suggestion.hint(s, names)); expected \"sluice\" (Sluice's own, the default) or \"sklearn\" (exactly scikit-learn's train_test_split)")
            }
        }
        if let node = o["testFraction"], let f = number(node, "\(p).testFraction") {
            if f > 0 && f < 1 { split.testSize = .fraction(f) } else {
                fail(node, "\(p).testFraction", "\(node.snippet) is out of range; expected a number between 0 and 1 (exclusive), e.g. 0.2")
            }
        }
        if let node = o["testSize"], let f = number(node, "\(p).testSize") {
            if f >= 1, f == f.rounded(), f < 9_007_199_254_740_992 { split.testSize = .count(Int(f)) } else {
                fail(node, "\(p).testSize", "\(node.snippet) is not allowed; expected a whole number of test rows ≥ 1 (or use testFraction for a share of the rows)")
            }
            if o["testFraction"] != nil {
                fail(node, "\(p).testSize", "cannot be combined with testFraction; give the test rows either as a count (testSize) or as a share (testFraction)")
            }
        }
        if let node = o["seed"], let f = number(node, "\(p).seed") {
            if f >= 0, f == f.rounded(), f < 9_007_199_254_740_992 { split.seed = UInt64(f) } else {
                fail(node, "\(p).seed", "\(node.snippet) is not allowed; expected a whole number ≥ 0")
            }
            if split.method == .sklearn, f > Double(UInt32.max) {
                fail(node, "\(p).seed", "\(node.snippet) is too large for method \"sklearn\"; numpy's RandomState (scikit-learn's random_state) takes seeds from 0 to 4294967295")
            }
        }
        split.stratify = bool(o["stratify"], "\(p).stratify", default: split.stratify)
        return split
    }

    mutating func algorithm(_ node: JSONNode, task: LearningTask?) -> (name: String, params: [String: JSON])? {
        let p = "spec.algorithm"
        guard let a = object(node, p, allowed: ManifestFields.algorithm, required: ["name"]) else { return nil }
        guard let nameNode = a["name"], let name = string(nameNode, "\(p).name") else { return nil }
        guard let algorithm = AlgorithmCatalog.algorithm(named: name) else {
            fail(nameNode, "\(p).name", "unknown algorithm \(nameNode.snippet)\(Suggestion.hint(name, AlgorithmCatalog.names)) (available: \(AlgorithmCatalog.names.joined(separator: ", ")))")
            return nil
        }
        if let task, !algorithm.tasks.contains(task) {
            fail(nameNode, "\(p).name", "\(name) supports \(algorithm.tasks.map(\.rawValue).joined(separator: " and ")), not \(task.rawValue)")
        }
        var params: [String: JSON] = [:]
        if let paramsNode = a["params"] {
            let names = algorithm.parameters.map(\.name)
            if let members = object(paramsNode, "\(p).params", allowed: names) {
                for (key, value) in members {
                    let parameter = algorithm.parameter(key)!
                    let v = value.value
                    if parameter.accepts(v) { params[key] = v } else {
                        fail(value, "\(p).params.\(key)", "\(value.snippet) is not allowed; expected \(parameter.allowed)")
                    }
                }
            }
        }
        return (name, algorithm.filled(params))
    }

    mutating func gate(_ node: JSONNode, task declared: LearningTask?, algorithm: String?) -> [GateRule] {
        let p = "spec.gate"
        guard case .object(let members) = node.kind else {
            fail(node, p, "expected an object of metric name → thresholds, got \(node.typeDescription)")
            return []
        }
        // The task the metrics must belong to: declared, or the only one the algorithm does.
        let only = algorithm.flatMap(AlgorithmCatalog.algorithm(named:)).flatMap { $0.tasks.count == 1 ? $0.tasks[0] : nil }
        let task = declared ?? only
        let why = declared != nil ? "spec.task is \(task?.rawValue ?? "")" : "algorithm \(algorithm ?? "") does \(task?.rawValue ?? "")"
        var rules: [GateRule] = []
        var seen = Set<String>()
        var firstOfTask: [LearningTask: String] = [:]
        for m in members {
            let path = "\(p).\(m.key)"
            guard let metric = Metric.named(m.key) else {
                let names = task.map(Metric.names(of:)) ?? Metric.all.map(\.name)
                fail(m.value, path, "unknown metric \"\(m.key)\"\(Suggestion.hint(m.key, names)) (available: \(names.joined(separator: ", ")))", at: m.keyPosition)
                continue
            }
            if let task, metric.task != task {
                fail(m.value, path, "\(m.key) is a \(metric.task.rawValue) metric, but \(why); \(task.rawValue) metrics: \(Metric.names(of: task).joined(separator: ", "))", at: m.keyPosition)
                continue
            }
            if task == nil, let other = firstOfTask.first(where: { $0.key != metric.task })?.value {
                fail(m.value, path, "\(m.key) is a \(metric.task.rawValue) metric, but \(other) is a \(metric.task == .regression ? "classification" : "regression") metric; a model does one task: keep the metrics of its task, and set spec.task", at: m.keyPosition)
                continue
            }
            firstOfTask[metric.task] = firstOfTask[metric.task] ?? m.key
            guard seen.insert(m.key).inserted else {
                fail(m.value, path, "metric \"\(m.key)\" appears twice; keep one", at: m.keyPosition)
                continue
            }
            guard let t = object(m.value, path, allowed: ManifestFields.gateRule) else { continue }
            if t.isEmpty { fail(m.value, path, "has no threshold; set min, max or maxRegression") }
            let rule = GateRule(
                metric: m.key, min: number(t["min"], "\(path).min"), max: number(t["max"], "\(path).max"),
                maxRegression: number(t["maxRegression"], "\(path).maxRegression"))
            for (key, value) in [("min", rule.min), ("max", rule.max)] {
                guard let value, !metric.range.contains(value) else { continue }
                let above = value > metric.range.upperBound
                let effect = (key == "min") == above ? "no model could pass" : "every model would pass"
                let percent = metric.range == 0...1 && above && value <= 100
                    ? "; did you mean \(JSON.format(value / 100))? Metrics are fractions, not percentages" : ""
                fail(t[key], "\(path).\(key)", "\(JSON.format(value)) is outside the range of \(m.key) (\(metric.rangeDescription)), so \(effect)\(percent)")
            }
            if let r = rule.maxRegression, r < 0 {
                fail(t["maxRegression"], "\(path).maxRegression", "\(t["maxRegression"]!.snippet) is negative; expected a number ≥ 0 (0 allows no regression)")
            } else if let r = rule.maxRegression, metric.range.upperBound - metric.range.lowerBound < r {
                let width = metric.range.upperBound - metric.range.lowerBound
                let percent = width == 1 && r <= 100 ? "; did you mean \(JSON.format(r / 100))? Metrics are fractions, not percentages" : ""
                fail(t["maxRegression"], "\(path).maxRegression", "\(JSON.format(r)) is more than the whole range of \(m.key) (\(metric.rangeDescription)), so no regression could fail it; expected a number from 0 to \(JSON.format(width))\(percent)")
            }
            if let lo = rule.min, let hi = rule.max, lo > hi {
                fail(t["min"], "\(path).min", "\(JSON.format(lo)) is above max \(JSON.format(hi)); no model could pass")
            }
            rules.append(rule)
        }
        return rules.sorted { $0.metric < $1.metric }
    }

    /// `spec.deploy.formats`: a list of ``PublishFormat`` names with "sluice" in it, each once; "onnx"
    /// only for an algorithm that exports and a target that takes files (not `http`).
    mutating func formats(_ node: JSONNode, deploy: DeploySpec?, algorithm: String?, features: [String]?) -> [PublishFormat] {
        let p = "spec.deploy.formats"
        guard case .object(let members) = node.kind, let f = members.first(where: { $0.key == "formats" })?.value else { return PublishFormat.standard }
        guard case .array(let items) = f.kind else {
            fail(f, p, "expected an array of format names, e.g. [\"sluice\", \"onnx\"], got \(f.typeDescription) \(f.snippet)")
            return PublishFormat.standard
        }
        var formats: [PublishFormat] = []
        for (i, item) in items.enumerated() {
            guard let s = string(item, "\(p)[\(i)]") else { continue }
            guard let format = PublishFormat(rawValue: s) else {
                fail(item, "\(p)[\(i)]", "\(item.snippet) is not a format\(Suggestion.hint(s, PublishFormat.allCases.map(\.rawValue))); expected \"sluice\" or \"onnx\"")
                continue
            }
            if formats.contains(format) { fail(item, "\(p)[\(i)]", "\"\(s)\" is listed twice") }
            formats.append(format)
        }
        if !formats.contains(.sluice) {
            fail(f, p, "does not list \"sluice\": model.json is always published (sluice serve loads it, and the target is checked by its digest); use [\"sluice\", \"onnx\"]")
        }
        if formats.contains(.onnx) {
            // The ONNX graph's outputs are named so: a feature (an input) may not be (found at decode
            // time for listed features; a null `features` is found when the model is published).
            if let clash = features?.first(where: { ["label", "probabilities", "variable"].contains($0) }) {
                fail(f, p, "lists \"onnx\", but the feature \"\(clash)\" has the name of an output of the ONNX model (label, probabilities, variable); rename the column or remove \"onnx\"")
            }
            if case .http? = deploy {
                fail(f, p, "lists \"onnx\", but an http target receives model.json only (the repository API of sluice serve); publish ONNX to a directory or s3 target, or use `sluice export`")
            }
            if let algorithm, !PublishFormat.onnxAlgorithms.contains(algorithm) {
                fail(f, p, "lists \"onnx\", but \(algorithm) models cannot be exported as ONNX (exportable: \(PublishFormat.onnxAlgorithms.sorted().joined(separator: ", "))); remove \"onnx\"")
            }
        }
        return Array(Set(formats)).sorted()
    }

    mutating func deploy(_ node: JSONNode) -> DeploySpec? {
        let p = "spec.deploy"
        guard case .object(let members) = node.kind else {
            fail(node, p, "expected an object, got \(node.typeDescription) \(node.snippet)")
            return nil
        }
        guard let targetNode = members.first(where: { $0.key == "target" })?.value else {
            fail(node, "\(p).target", "required field \"target\" is missing; expected one of \"directory\", \"http\", \"s3\"")
            return nil
        }
        guard let target = string(targetNode, "\(p).target") else { return nil }
        switch target {
        case "directory":
            guard let d = object(node, p, allowed: ManifestFields.directoryDeploy, required: ["path"]),
                  let path = string(d["path"], "\(p).path") else { return nil }
            return .directory(path: path)
        case "http":
            guard let d = object(node, p, allowed: ManifestFields.httpDeploy, required: ["url"]),
                  let url = string(d["url"], "\(p).url") else { return nil }
            guard DatasetSpec.isURL(url) else {
                fail(d["url"], "\(p).url", "\(d["url"]!.snippet) is not an http:// or https:// URL")
                return nil
            }
            var tokenEnv: String?
            if let t = d["tokenEnv"], let s = string(t, "\(p).tokenEnv") {
                let ok = s.first.map { $0 == "_" || ($0.isASCII && $0.isLetter) } == true && s.allSatisfy { $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }
                if ok { tokenEnv = s } else { fail(t, "\(p).tokenEnv", "\(t.snippet) is not an environment variable name") }
            }
            return .http(url: url, tokenEnv: tokenEnv)
        case "s3":
            guard let d = object(node, p, allowed: ManifestFields.s3Deploy, required: ["url"]),
                  let url = string(d["url"], "\(p).url") else { return nil }
            let rest = url.hasPrefix("s3://") ? url.dropFirst("s3://".count) : ""
            guard let slash = rest.firstIndex(of: "/"), slash != rest.startIndex,
                  rest[rest.index(after: slash)...].contains(where: { $0 != "/" }) else {
                fail(d["url"], "\(p).url", "\(d["url"]!.snippet) is not an s3://BUCKET/PREFIX URL (the prefix names the model's place in the bucket)")
                return nil
            }
            return .s3(url: url)
        default:
            fail(targetNode, "\(p).target", "unknown target \(targetNode.snippet)\(Suggestion.hint(target, ManifestFields.deployTargets)); expected one of \"directory\", \"http\", \"s3\"")
            return nil
        }
    }
}
