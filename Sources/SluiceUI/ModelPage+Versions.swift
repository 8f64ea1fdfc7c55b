import Foundation
import SluiceController
import SluiceCore

extension UI {
    /// The versions table's rows, newest first: digest, created, revision, data digest, the
    /// parameters that differ from the champion's, every metric, the gate verdict and the
    /// publication state. Built here rather than in the template (a model may have hundreds of
    /// versions), every value through ``HTML/escape(_:)``.
    /// - Complexity: O(versions × (metrics + parameters)): the look-ups are ``ModelRecords``' dictionaries.
    func versionRows(_ r: ModelRecords) -> [String: Any] {
        let metricNames = Array(Set(r.versions.flatMap(\.metrics.keys))).sorted()
        let champion = r.inService.flatMap { r.versionOf[$0.version] }
        let championParams = champion.map(Self.parameters)
        var html = ""
        for v in r.versions.reversed() {
            let id = HTML.escape(v.id)
            html += "<tr data-version=\"\(id)\"><th scope=\"row\"><code title=\"\(id)\">\(HTML.escape(UIFormat.short(v.id)))</code></th>"
            html += "<td>\(UIFormat.time(v.trainedAt))</td><td>\(v.revision.map { "<code>\(HTML.escape(String($0.prefix(12))))</code>" } ?? "–")</td>"
            html += "<td><code>\(HTML.escape(String(v.dataDigest.prefix(12))))</code></td><td class=\"params\">"
            if v.id == champion?.id {
                html += "★ champion"
            } else if let championParams {
                let changes = Self.changedParameters(from: championParams, to: Self.parameters(v))
                html += changes.isEmpty ? "same as the champion" : HTML.escape(changes.joined(separator: "\n"))
            } else {
                html += "no champion to compare with"
            }
            html += "</td>"
            for name in metricNames { html += "<td class=\"num\">\(v.metrics[name].map(UIFormat.metric) ?? "–")</td>" }
            if let verdict = r.verdictOf[v.id] {
                html += "<td class=\"\(verdict.passed ? "ok" : "bad")\" title=\"\(HTML.escape(verdict.summary))\">\(verdict.passed ? "✓ passed" : "✕ failed")</td>"
            } else {
                html += "<td class=\"muted\">not evaluated</td>"
            }
            let stays = r.publicationsOf[v.id] ?? []
            html += "<td>\(stays.contains { $0.retiredAt == nil } ? "in service" : stays.isEmpty ? "never published" : "retired")</td></tr>\n"
        }
        return ["versionRows": html, "hasVersions": !r.versions.isEmpty, "metricNames": metricNames.map { ["name": $0] }]
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
