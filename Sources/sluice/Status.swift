import ArgumentParser
import Foundation
import SluiceController
import SluiceCore
import SluiceReconcile

extension Sluice {
    /// `sluice status`: what is published where, and each model's condition.
    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show each model's condition, published version, target and metrics.")

        @OptionGroup var options: GlobalOptions

        @Flag(help: "Print the status as JSON.")
        var json = false

        func run() throws {
            let store = try options.openStore()
            let reconciler = options.reconciler(store: store)
            let snapshot = try options.snapshot(reconciler)
            let plan = reconciler.plan(snapshot)
            let iso = ISO8601DateFormatter()
            var rows: [JSON] = []
            var names = Set(plan.items.map(\.model))
            names.formUnion(try store.modelNames())
            for name in names.sorted() {
                let item = plan.item(name)
                let pub = try store.publications(model: name).last { $0.retiredAt == nil }
                let version = try pub.flatMap { try store.version(model: name, id: $0.version) }
                let condition = item.map { $0.actions.isEmpty ? $0.condition.rawValue : "pending" } ?? "retired"
                rows.append([
                    "name": .string(name),
                    "condition": .string(condition),
                    "message": .string(item?.actions.isEmpty == false ? item!.actions.map { "\($0.kind): \($0.reason)" }.joined(separator: "; ") : item?.message ?? ""),
                    "published": pub.map { p in
                        ["version": .string(p.version), "target": p.deploy.json, "artifactDigest": .string(p.artifactDigest),
                         "publishedAt": .string(iso.string(from: p.publishedAt)), "revision": p.revision.map(JSON.string) ?? .null]
                    } ?? .null,
                    "metrics": version.map { .object($0.metrics.mapValues(JSON.number)) } ?? .null,
                ])
            }
            if json {
                Terminal.printJSON(["formatVersion": 1, "models": .array(rows)])
                return
            }
            if rows.isEmpty { Terminal.print("No models yet. Add a manifest under \(options.manifests)/ and run `sluice apply`.") }
            for row in rows {
                let name = row["name"]!.stringValue!
                let condition = row["condition"]!.stringValue!
                let style: Terminal.Style = condition == "ready" ? .green : (condition == "failed" ? .red : .yellow)
                var line = Terminal.paint(name, .bold) + "  " + Terminal.paint(condition, style)
                if let p = row["published"], p != .null {
                    line += "  \(VersionIdentity.short(p["version"]!.stringValue!)) → \(p["target"]!["path"]?.stringValue ?? p["target"]!["url"]?.stringValue ?? "")"
                }
                if let acc = row["metrics"]?["accuracy"]?.doubleValue { line += String(format: "  accuracy %.4f", acc) }
                Terminal.print(line)
                if let m = row["message"]?.stringValue, !m.isEmpty, condition != "ready" { Terminal.print("    \(m)") }
            }
        }
    }
}
