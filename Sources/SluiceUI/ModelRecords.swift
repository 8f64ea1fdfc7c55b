import SluiceController
import SluiceManifest
import SluiceReconcile

/// What a model's page shows, read once from the store, with the look-ups the sections share
/// (by version: its latest verdict, its publications), built in one pass each.
struct ModelRecords {
    var name: String
    var manifest: Manifest?
    /// Oldest first.
    var versions: [VersionRecord]
    /// Oldest first (by evaluation time).
    var verdicts: [VerdictRecord]
    /// Oldest first.
    var publications: [PublicationRecord]
    var condition: ConditionRecord?
    var monitor: MonitorState?

    /// The open publication: the version in service (the champion).
    let inService: PublicationRecord?
    /// Each version's latest verdict.
    let verdictOf: [String: VerdictRecord]
    /// Each version's publications, oldest first.
    let publicationsOf: [String: [PublicationRecord]]
    /// Versions by id.
    let versionOf: [String: VersionRecord]

    init(name: String, manifest: Manifest?, versions: [VersionRecord], verdicts: [VerdictRecord], publications: [PublicationRecord],
         condition: ConditionRecord?, monitor: MonitorState?) {
        self.name = name
        self.manifest = manifest
        self.versions = versions
        self.verdicts = verdicts.enumerated().sorted { ($0.element.evaluatedAt, $0.offset) < ($1.element.evaluatedAt, $1.offset) }.map(\.element)
        self.publications = publications
        self.condition = condition
        self.monitor = monitor
        inService = publications.last { $0.retiredAt == nil }
        var latest: [String: VerdictRecord] = [:]
        for v in self.verdicts { latest[v.version] = v }
        verdictOf = latest
        publicationsOf = Dictionary(grouping: publications, by: \.version)
        versionOf = Dictionary(versions.map { ($0.id, $0) }) { a, _ in a }
    }

    /// The gate: the manifest's, or (a model whose manifest is gone) the rules of its last verdict.
    var gate: [GateRule] {
        if let manifest { return manifest.gate }
        return (verdicts.last?.details.arrayValue ?? []).compactMap { o in
            guard let metric = o["metric"]?.stringValue, let limit = o["limit"]?.doubleValue else { return nil }
            switch o["threshold"]?.stringValue {
            case "min": return GateRule(metric: metric, min: limit)
            case "max": return GateRule(metric: metric, max: limit)
            case "maxRegression": return GateRule(metric: metric, maxRegression: limit)
            default: return nil
            }
        }
    }

    /// The gated metrics, in the gate's order.
    var gatedMetrics: [String] {
        var seen = Set<String>()
        return gate.map(\.metric).filter { seen.insert($0).inserted }
    }
}
