import ArgumentParser
import Foundation
import SluiceController
import SluiceCore
import SluiceReconcile

extension Sluice {
    /// `sluice status`: what the store recorded for each model — its condition, why, the version
    /// in service and when — as the last `apply` or controller cycle left it.
    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show each model's condition, version in service, target and metrics, as the store recorded them.",
            discussion: """
                Reports what the last `sluice apply` or controller cycle recorded in the store, not a new plan \
                from the local files (use `sluice plan` for that), so it can be run from any directory with \
                --store. On a PostgreSQL store shared by `sluice run` replicas, also where each model stands in \
                their work queue (queued, worked on by which replica until when, retrying after a failure). \
                Reads the store only; with no store yet, says so.
                """)

        @OptionGroup var options: GlobalOptions

        @Flag(help: "Print the status as JSON.")
        var json = false

        func run() throws {
            guard let store = try options.openStoreReadOnly() else {
                if json {
                    Terminal.printJSON(["formatVersion": 1, "store": .null, "models": []])
                } else {
                    Terminal.print("No store at \(options.storePath) yet: nothing has been applied here. "
                        + "Run `sluice apply` (or point --store at the controller's store).")
                }
                return
            }
            let rows = try StatusRows.read(store)
            if json {
                Terminal.printJSON(["formatVersion": 1, "store": .string(options.storePath), "models": .array(rows)])
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
                if let since = row["since"]?.stringValue { line += Terminal.paint("  since \(since)", .dim) }
                Terminal.print(line)
                if let m = row["message"]?.stringValue, !m.isEmpty, condition != "ready" { Terminal.print("    \(m)") }
                if let monitor = row["monitor"], monitor != .null { printMonitor(monitor) }
                if let work = row["work"], let summary = work["summary"]?.stringValue {
                    let style: Terminal.Style = work["state"]?.stringValue == "working" ? .cyan : (work["state"]?.stringValue == "queued" ? .dim : .yellow)
                    Terminal.print("    work: " + Terminal.paint(summary, style))
                }
            }
        }

        /// The monitor lines of a model: each condition (breaches in red), or why the last check
        /// could not judge, or that nothing holds.
        private func printMonitor(_ monitor: JSON) {
            let conditions = monitor["conditions"]?.arrayValue ?? []
            for c in conditions {
                let breached = c["breached"]?.boolValue == true
                let head = "\(c["type"]?.stringValue ?? "") (\(c["reason"]?.stringValue ?? ""))"
                let style: Terminal.Style = breached ? .red : (c["type"]?.stringValue == "InsufficientData" ? .dim : .yellow)
                let state = breached ? "breach" : "holds"
                Terminal.print("    monitor: " + Terminal.paint(head, style) + " \(state) since \(c["since"]?.stringValue ?? ""): \(c["message"]?.stringValue ?? "")")
            }
            if let retrain = monitor["retrain"]?.stringValue {
                Terminal.print("    retrain: \(retrain)")
            }
            if let problem = monitor["problem"]?.stringValue {
                Terminal.print("    monitor: " + Terminal.paint("cannot judge", .yellow) + " (checked \(monitor["checkedAt"]?.stringValue ?? "")): \(problem)")
            } else if conditions.isEmpty {
                let rows = monitor["report"]?["rows"]?.intValue.map { "\($0) rows" } ?? "no report"
                Terminal.print("    monitor: " + Terminal.paint("no condition", .green) + Terminal.paint(" (\(rows), checked \(monitor["checkedAt"]?.stringValue ?? ""))", .dim))
            }
        }
    }
}
