import Foundation
import SluiceController
import SluiceManifest
import SluiceReconcile

extension UI {
    /// `/ui/models/{name}`: one model (issue 16 item 2): its facts, versions, the metric over its
    /// versions, gate history, publications, plan, the change that suspends or resumes it, and its
    /// monitoring. 404 for a model neither the store nor the manifests know.
    ///
    /// Reads the model's versions, verdicts and publications once each, and the conditions and
    /// monitor states once: no query per version (a model with 500 versions renders in a few ms).
    public func model(_ name: String, _ query: UIQuery) throws -> UIPage {
        let plan = context.plans.current()
        let store = context.store
        let versions = try store.versions(model: name)
        let known = try !versions.isEmpty || plan.manifest(name) != nil || store.modelNames().contains(name)
        guard known else {
            return page(title: "Not found", heading: "No model \(name)", section: .models,
                        body: render("model", ["missing": true, "name": name]), plan: plan, back: "/ui", status: 404)
        }
        let records = ModelRecords(name: name, manifest: plan.manifest(name), versions: versions,
                                   verdicts: try store.verdicts(model: name), publications: try store.publications(model: name),
                                   condition: try store.conditions().first { $0.model == name },
                                   monitor: try store.monitorStates().first { $0.model == name })
        var object: [String: Any] = ["name": name]
        object.merge(facts(records, plan: plan)) { a, _ in a }
        object.merge(versionRows(records)) { a, _ in a }
        let charts = metricCharts(records)
        object["charts"] = charts
        object["hasCharts"] = !charts.isEmpty
        object.merge(gateHistory(records, all: query["verdicts"] == "all", query: query.withoutNotice)) { a, _ in a }
        object.merge(publicationRows(records)) { a, _ in a }
        object.merge(planLines(name, plan: plan)) { a, _ in a }
        if let change = suspendChange(records.manifest) { object["suspendChange"] = change }
        if let monitoring = monitoring(records) { object["monitoring"] = monitoring }
        return page(title: name, section: .models, body: render("model", object), plan: plan, back: HTML.modelPath(name) + query.withoutNotice.text,
                    notice: query.notice)
    }

    /// The header's facts: health and sync, the condition's message, the version in service, the
    /// target, labels, manifest file and the last reconcile.
    func facts(_ r: ModelRecords, plan: UIPlan) -> [String: Any] {
        let health = Health.of(condition: r.condition, monitor: r.monitor, manifest: r.manifest, planned: plan.item(r.name)?.condition)
        let sync = Sync.of(r.name, in: plan)
        var o: [String: Any] = [
            "health": health.rawValue, "healthWords": health.words, "healthSymbol": health.symbol,
            "sync": sync.rawValue, "syncWords": sync.words,
            "labels": (r.manifest?.labels ?? [:]).sorted { $0.key < $1.key }.map { ["text": "\($0.key)=\($0.value)"] },
        ]
        if let message = r.condition?.message, !message.isEmpty { o["message"] = message }
        if let serving = r.inService {
            o["serving"] = ["id": serving.version, "short": UIFormat.short(serving.version), "since": UIFormat.time(serving.publishedAt)]
        }
        if let target = r.manifest?.deploy.summary ?? r.inService?.deploy.summary { o["target"] = target }
        if let file = r.manifest?.origin.file {
            o["manifestFile"] = file
        } else if let file = r.versions.last?.manifestFile {
            o["formerFile"] = file
        }
        if let c = r.condition {
            o["lastReconcile"] = ["age": UIFormat.age(c.checkedAt, now: context.clock.now), "time": UIFormat.time(c.checkedAt)]
        }
        return o
    }

    /// The publications' rows, which version served when, newest first (built here, escaped).
    func publicationRows(_ r: ModelRecords) -> [String: Any] {
        var html = ""
        for p in r.publications.reversed() {
            let id = HTML.escape(p.version)
            html += "<tr data-publication=\"\(id)\"><th scope=\"row\"><code title=\"\(id)\">\(HTML.escape(UIFormat.short(p.version)))</code></th>"
            html += "<td>\(UIFormat.time(p.publishedAt))</td><td>\(p.retiredAt.map(UIFormat.time) ?? "<strong>in service</strong>")</td>"
            html += "<td>\(HTML.escape(p.deploy.summary))</td><td>\(HTML.escape(p.reason))</td></tr>\n"
        }
        return ["publicationRows": html, "hasPublications": !r.publications.isEmpty]
    }
}
