import Foundation
import SluiceController
import SluiceCore

extension UI {
    /// The versions table, newest first: digest, created, revision, data digest, the parameters
    /// that differ from the champion's, every metric, the gate verdict and the publication state.
    /// - Complexity: O(versions × (metrics + parameters)): the look-ups are ``ModelRecords``' dictionaries.
    func versionRows(_ r: ModelRecords) -> [String: Any] {
        let metricNames = Array(Set(r.versions.flatMap(\.metrics.keys))).sorted()
        let champion = r.inService.flatMap { r.versionOf[$0.version] }
        let championParams = champion.map(Self.parameters)
        let rows = r.versions.reversed().map { v -> [String: Any] in
            var row: [String: Any] = [
                "id": v.id, "short": UIFormat.short(v.id), "created": UIFormat.time(v.trainedAt),
                "data": String(v.dataDigest.prefix(12)),
                "metrics": metricNames.map { ["value": v.metrics[$0].map(UIFormat.metric) ?? "–"] },
            ]
            if let revision = v.revision { row["revision"] = String(revision.prefix(12)) }
            if v.id == champion?.id {
                row["champion"] = true
            } else if let championParams {
                let changes = Self.changedParameters(from: championParams, to: Self.parameters(v))
                row["params"] = changes.isEmpty ? "same as the champion" : changes.joined(separator: "\n")
            } else {
                row["params"] = "no champion to compare with"
            }
            if let verdict = r.verdictOf[v.id] {
                row["verdict"] = verdict.passed ? "✓ passed" : "✕ failed"
                row["verdictClass"] = verdict.passed ? "ok" : "bad"
                row["verdictTitle"] = verdict.summary
            } else {
                row["verdict"] = "not evaluated"
                row["verdictClass"] = "muted"
            }
            let stays = r.publicationsOf[v.id] ?? []
            row["publication"] = stays.contains { $0.retiredAt == nil } ? "in service" : stays.isEmpty ? "never published" : "retired"
            return row
        }
        return ["versions": rows, "metricNames": metricNames.map { ["name": $0] }]
    }

    /// A version's training parameters, by name: `algorithm` and its `params`, from the identity
    /// document the store keeps (``SluiceReconcile/VersionIdentity/document(_:dataDigest:testDigest:feedback:)``).
    static func parameters(_ v: VersionRecord) -> [String: JSON] {
        let algorithm = v.inputs["inputs"]?["algorithm"]
        var out = algorithm?["params"]?.objectValue ?? [:]
        if let name = algorithm?["name"] { out["algorithm"] = name }
        return out
    }

    /// The parameters whose values differ, by name: `maxDepth: 4 → 5` (`–` for one not set on a side).
    static func changedParameters(from old: [String: JSON], to new: [String: JSON]) -> [String] {
        Set(old.keys).union(new.keys).sorted().compactMap { key in
            let (a, b) = (old[key], new[key])
            guard a != b else { return nil }
            return "\(key): \(a.map { $0.canonical() } ?? "–") → \(b.map { $0.canonical() } ?? "–")"
        }
    }

    /// One chart per gated metric over the versions in creation order (none without a gate or versions).
    func metricCharts(_ r: ModelRecords) -> [[String: Any]] {
        guard !r.versions.isEmpty else { return [] }
        let gate = r.gate
        return r.gatedMetrics.map { metric in
            let points = r.versions.map { v in
                MetricChart.Point(version: v.id, value: v.metrics[metric], published: r.publicationsOf[v.id] != nil,
                                  inService: v.id == r.inService?.version)
            }
            return ["svg": MetricChart(metric: metric, points: points, rules: gate.filter { $0.metric == metric }).svg]
        }
    }
}
