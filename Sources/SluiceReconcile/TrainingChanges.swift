import SluiceCore
import SluiceManifest

/// What changed between two sets of training inputs (``Manifest/trainingInputs``), in words a
/// plan can show: `algorithm changed: nEstimators 100 → 37`, `dataset spec changed: testFraction
/// 0.3 → 0.2`. Pure: compares two JSON documents.
public enum TrainingChanges {
    /// One phrase per changed part, in the order task, dataset, algorithm; empty when equal.
    /// - Parameters:
    ///   - old: the inputs of the version in service.
    ///   - new: the inputs of the manifest now.
    public static func describe(from old: JSON, to new: JSON) -> [String] {
        reasons(from: old, to: new).map(\.message)
    }

    /// One reason per changed part (``ReasonToken/taskChanged``, ``ReasonToken/datasetSpecChanged``,
    /// ``ReasonToken/algorithmChanged``), in the order of ``describe(from:to:)``; empty when equal.
    public static func reasons(from old: JSON, to new: JSON) -> [Reason] {
        var out: [Reason] = []
        if old["task"] != new["task"] {
            out.append(Reason(.taskChanged, "task changed: \(task(old["task"])) → \(task(new["task"]))"))
        }
        if old["dataset"] != new["dataset"] {
            out.append(Reason(.datasetSpecChanged, phrase("dataset spec changed", dataset(old["dataset"] ?? .null, new["dataset"] ?? .null))))
        }
        if old["algorithm"] != new["algorithm"] {
            out.append(Reason(.algorithmChanged, phrase("algorithm changed", algorithm(old["algorithm"] ?? .null, new["algorithm"] ?? .null))))
        }
        return out
    }

    private static func phrase(_ head: String, _ details: [String]) -> String {
        details.isEmpty ? head : "\(head): " + details.joined(separator: ", ")
    }

    private static func task(_ v: JSON?) -> String {
        v?.stringValue ?? "inferred"
    }

    static func algorithm(_ old: JSON, _ new: JSON) -> [String] {
        let (a, b) = (old["name"]?.stringValue ?? "?", new["name"]?.stringValue ?? "?")
        if a != b { return ["\(a) → \(b)"] }
        return changed(old["params"]?.objectValue ?? [:], new["params"]?.objectValue ?? [:])
    }

    static func dataset(_ old: JSON, _ new: JSON) -> [String] {
        var out: [String] = []
        for key in ["source", "target"] where old[key] != new[key] {
            out.append("\(key) \(value(old[key])) → \(value(new[key]))")
        }
        if old["features"] != new["features"] { out.append(features(old["features"], new["features"])) }
        switch (old["test"], new["test"]) {
        case (nil, let b?): out.append("split replaced by test file \(value(b))")
        case (let a?, nil): out.append("test file \(value(a)) replaced by a split")
        case (let a?, let b?) where a != b: out.append("test file \(value(a)) → \(value(b))")
        default: break
        }
        if let a = old["split"]?.objectValue, let b = new["split"]?.objectValue, a != b {
            out += changed(a, b, prefix: "split ")
        }
        return out
    }

    /// `name old → new` for every key whose value differs, sorted by key.
    static func changed(_ a: [String: JSON], _ b: [String: JSON], prefix: String = "") -> [String] {
        Set(a.keys).union(b.keys).sorted().compactMap { key in
            a[key] == b[key] ? nil : "\(prefix)\(key) \(value(a[key])) → \(value(b[key]))"
        }
    }

    static func features(_ old: JSON?, _ new: JSON?) -> String {
        guard let a = old?.arrayValue?.compactMap(\.stringValue), let b = new?.arrayValue?.compactMap(\.stringValue) else {
            return "features \(featureList(old)) → \(featureList(new))"
        }
        let added = b.filter { !a.contains($0) }, removed = a.filter { !b.contains($0) }
        if added.isEmpty && removed.isEmpty { return "features reordered" }
        return "features " + (added.map { "+\($0)" } + removed.map { "-\($0)" }).joined(separator: " ")
    }

    private static func featureList(_ v: JSON?) -> String {
        guard let list = v?.arrayValue?.compactMap(\.stringValue) else { return "all but the target" }
        return "[" + list.joined(separator: ", ") + "]"
    }

    private static func value(_ v: JSON?) -> String {
        guard let v, v != .null else { return "null" }
        return v.stringValue ?? v.canonical()
    }
}
