import SluiceCore
import SluiceLearn
import SluiceMonitor

extension Manifest {
    /// The inputs that decide what model is trained, in canonical form, without the content
    /// digests of the data (the planner adds those to make the version identity).
    public var trainingInputs: JSON {
        var dataset: [String: JSON] = [
            "source": .string(dataset.source),
            "target": .string(self.dataset.target),
            "features": self.dataset.features.map(JSON.strings) ?? .null,
        ]
        // Only a database source has a query: other manifests keep their version identities.
        if let query = self.dataset.query { dataset["query"] = .string(query) }
        if let test = self.dataset.test {
            dataset["test"] = .string(test)
        } else {
            dataset["split"] = self.dataset.split.json
        }
        return [
            "task": task.map { .string($0.rawValue) } ?? .null,
            "dataset": .object(dataset),
            "algorithm": ["name": .string(algorithm), "params": .object(params)],
        ]
    }

    /// The gate in canonical form.
    public var gateJSON: JSON {
        .object(Dictionary(uniqueKeysWithValues: gate.map { rule in
            var t: [String: JSON] = [:]
            if let v = rule.min { t["min"] = .number(v) }
            if let v = rule.max { t["max"] = .number(v) }
            if let v = rule.maxRegression { t["maxRegression"] = .number(v) }
            return (rule.metric, .object(t))
        }))
    }

    /// The digest of the gate: a change re-evaluates the gate without retraining.
    public var gateDigest: String { SHA256.hex(of: gateJSON.canonical()) }

    /// The whole manifest in canonical form (lineage: which manifest produced a version).
    /// `monitor` is there only when the manifest has one, and `formats` only when it is not the standard
    /// one, so that manifests without them keep their digests.
    public var canonicalJSON: JSON {
        var o: [String: JSON] = [
            "name": .string(name),
            "labels": .object(labels.mapValues(JSON.string)),
            "training": trainingInputs,
            "gate": gateJSON,
            "deploy": deploy.json,
            "suspend": .bool(suspend),
            "retired": .bool(retired),
        ]
        if let monitor { o["monitor"] = monitor.json }
        if formats != PublishFormat.standard { o["formats"] = .strings(formats.map(\.rawValue)) }
        return .object(o)
    }

    /// The digest of the whole manifest.
    public var digest: String { SHA256.hex(of: canonicalJSON.canonical()) }
}

extension MonitorSpec {
    /// The monitor spec in canonical form, defaults filled in, durations in seconds (the watched
    /// metric and floor come from the gate, which has its own place).
    public var json: JSON {
        [
            "server": server.map(JSON.string) ?? .null,
            "interval": .number(interval), "window": .number(window), "persistFor": .number(persistFor),
            "minSamples": .number(Double(policy.minSamples)),
            "drift": ["method": .string(policy.driftMethod.rawValue), "warn": .number(policy.driftWarn),
                      "breach": .number(policy.driftBreach), "share": .number(policy.driftShare)],
            "prediction": ["breach": .number(policy.predictionBreach)],
            "quality": ["missingIncrease": .number(policy.missingIncrease), "unknownShare": .number(policy.unknownShare)],
            "performance": ["minLabels": .number(Double(policy.minLabels)), "maxDegradation": .number(policy.maxDegradation)],
            "onBreach": .string(onBreach.rawValue),
            "retrain": ["cooldown": .number(retrain.cooldown), "maxPerWeek": .number(Double(retrain.maxPerWeek)), "holdout": .number(retrain.holdout)],
        ]
    }
}

extension SplitSpec {
    /// The split in canonical form. Sluice's own method with a test fraction is written as it
    /// was before there were methods (no `method` field), so that existing manifests keep their
    /// version identities; any other split names its method and size.
    public var json: JSON {
        var o: [String: JSON] = ["seed": .number(Double(seed)), "stratify": .bool(stratify)]
        switch testSize {
        case .fraction(let f): o["testFraction"] = .number(f)
        case .count(let n): o["testSize"] = .number(Double(n))
        }
        if method != .sluice { o["method"] = .string(method.rawValue) }
        return .object(o)
    }
}

extension DeploySpec {
    /// The deploy spec in canonical form.
    public var json: JSON {
        switch self {
        case .directory(let path): ["target": "directory", "path": .string(path)]
        case .http(let url, let tokenEnv): ["target": "http", "url": .string(url), "tokenEnv": tokenEnv.map(JSON.string) ?? .null]
        case .s3(let url): ["target": "s3", "url": .string(url)]
        }
    }

    /// Reads a canonical deploy spec back (as stored by the store).
    public init?(json: JSON) {
        switch json["target"]?.stringValue {
        case "directory":
            guard let p = json["path"]?.stringValue else { return nil }
            self = .directory(path: p)
        case "http":
            guard let u = json["url"]?.stringValue else { return nil }
            self = .http(url: u, tokenEnv: json["tokenEnv"]?.stringValue)
        case "s3":
            guard let u = json["url"]?.stringValue else { return nil }
            self = .s3(url: u)
        default: return nil
        }
    }
}

extension GateRule {
    /// Reads a canonical gate (as stored) back into rules sorted by metric.
    public static func rules(from json: JSON) -> [GateRule] {
        (json.objectValue ?? [:]).keys.sorted().map { metric in
            let t = json[metric]
            return GateRule(metric: metric, min: t?["min"]?.doubleValue, max: t?["max"]?.doubleValue, maxRegression: t?["maxRegression"]?.doubleValue)
        }
    }
}
