import Foundation
import SluiceController
import SluiceManifest
import SluiceReconcile

/// One model on the Models page: what its row shows, filters and sorts by. Made for every model
/// from whole-store reads (no query per model); only a page of them is rendered.
struct ModelsRow {
    var name: String
    var health: Health
    var sync: Sync
    /// The version in service (the open publication's), if any.
    var version: String?
    /// The gate metric: the first gate rule's metric in the manifest, else `accuracy`.
    var metric: String
    /// The gate metric of the version in service.
    var value: Double?
    /// The last publications, oldest first (at most ``sparklinePoints``).
    var published: ArraySlice<PublishedMetrics>
    /// Whether older publications were left out of ``published``.
    var truncated: Bool
    /// The gate metric's change from the publication before the last one to the last one (of those
    /// that have it): what the last publication did to the model.
    var trend: Double?
    /// When a cycle last recorded the model's condition.
    var checkedAt: Date?
    /// Where it is published: the manifest's target, else the open publication's.
    var target: String?
    /// The manifest's labels.
    var labels: [String: String]

    /// The labels by key.
    var sortedLabels: [(key: String, value: String)] { labels.sorted { $0.key < $1.key }.map { ($0.key, $0.value) } }

    /// `k=v, k=v`: what a sort by labels compares.
    var labelText: String { sortedLabels.map { "\($0.key)=\($0.value)" }.joined(separator: ", ") }

    /// The gate metric across the last publications, with the one in service marked (made for the
    /// rows of a page only).
    var sparkline: Sparkline {
        let points = published.compactMap { p in
            p.metrics[metric].map { Sparkline.Point(value: $0, inService: p.retiredAt == nil && p.version == version) }
        }
        return Sparkline(metric: metric, points: points, truncated: truncated)
    }

    /// How many publications a sparkline shows at most (the last ones).
    static let sparklinePoints = 20

    /// Every model the store or the manifests know, in name order.
    /// - Parameters:
    ///   - names: the store's model names.
    ///   - plan: the current plan and its manifests.
    ///   - conditions, monitors, active: the store's whole-store reads.
    ///   - history: ``Store/publishedMetrics(lastPerModel:models:)`` with one more than ``sparklinePoints``
    ///     (so that a longer history is known to be cut); `nil` to leave the rows without it (a page
    ///     whose order does not depend on it attaches it to the rows it shows: ``attach(_:)``).
    /// - Complexity: O(m log m + p) for m models and p publications (dictionary look-ups, one sort by name).
    static func all(names: [String], plan: UIPlan, conditions: [ConditionRecord], monitors: [MonitorState],
                    active: [PublicationRecord], history: [PublishedMetrics]?) -> [ModelsRow] {
        let conditions = Dictionary(conditions.map { ($0.model, $0) }, uniquingKeysWith: { a, _ in a })
        let monitors = Dictionary(monitors.map { ($0.model, $0) }, uniquingKeysWith: { a, _ in a })
        let active = Dictionary(active.map { ($0.model, $0) }, uniquingKeysWith: { a, _ in a })
        let history = history.map { Dictionary(grouping: $0, by: \.model) }
        let all = Set(names).union(plan.manifests.map(\.name)).union(active.keys).union(history.map { Array($0.keys) } ?? []).sorted()
        return all.map { name in
            let manifest = plan.manifest(name)
            let serving = active[name]
            var row = ModelsRow(
                name: name,
                health: Health.of(condition: conditions[name], monitor: monitors[name], manifest: manifest, planned: plan.item(name)?.condition),
                sync: Sync.of(name, in: plan),
                version: serving?.version, metric: manifest?.gate.first?.metric ?? "accuracy", value: nil,
                published: [], truncated: false, trend: nil,
                checkedAt: conditions[name]?.checkedAt,
                target: manifest?.deploy.summary ?? serving?.deploy.summary,
                labels: manifest?.labels ?? [:])
            if let history { row.attach(history[name] ?? []) }
            return row
        }
    }

    /// Sets what comes from the model's last publications: the sparkline's points, the gate
    /// metric of the version in service and the trend.
    /// - Parameter all: the model's last publications, oldest first (one more than ``sparklinePoints``).
    mutating func attach(_ all: [PublishedMetrics]) {
        published = all.suffix(Self.sparklinePoints)
        truncated = all.count > Self.sparklinePoints
        let metric = self.metric
        value = version.flatMap { v in published.last { $0.version == v }?.metrics[metric] }
        let lastTwo = published.reversed().lazy.compactMap { $0.metrics[metric] }.filter(\.isFinite).prefix(2)
        trend = lastTwo.count == 2 ? lastTwo.first! - lastTwo.dropFirst().first! : nil
    }
}
