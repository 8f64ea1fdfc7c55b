import ArgumentParser
import Foundation
import SluiceController
import SluiceReconcile

extension Sluice {
    /// `sluice apply`: carry out the plan.
    struct Apply: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Train, evaluate, publish and retire models until they match their manifests.",
            discussion: "Exit codes: 0 converged, 1 an error (the other models are still reconciled) or a retirement withheld (see the warning), 3 a gate rejected a candidate (its champion stays in service).")

        @OptionGroup var options: GlobalOptions

        @Flag(help: "Allow retiring every published model at once (when all manifests are gone).")
        var allowEmpty = false

        @Option(help: "How long to wait for another process holding the store's lock (10s, 1m, or seconds).",
                transform: DurationOption.seconds)
        var lockTimeout: Double = 10

        @Flag(help: "Print the result as JSON instead of text.")
        var json = false

        @Option(name: .customLong("model"), help: "Apply only this model (repeatable); the others are left exactly as they are.")
        var models: [String] = []

        @Option(help: ArgumentHelp("Reuse versions trained by `gate --cache DIR` instead of training them again; add the ones trained here.", valueName: "DIR"))
        var cache: String?

        func run() throws {
            let store = try options.openStore()
            let lock = try options.lockStore(store, timeout: lockTimeout)
            defer { lock.release() }
            let reconciler = options.reconciler(store: store, allowEmpty: allowEmpty, cache: cache)
            let snapshot = try options.snapshot(reconciler)
            reconciler.sweepTemporaryFiles(snapshot)
            var plan = try ModelSelection.narrow(reconciler.plan(snapshot), to: models)
            plan.warnings += reconciler.dataWarnings(plan, snapshot)
            if !json {
                PlanPrinter.print(plan, errors: snapshot.manifests.errors)
                if plan.hasChanges { Terminal.print() }
            }
            let report = reconciler.apply(plan, snapshot, lease: lock, progress: Terminal.progress)
            Terminal.clearProgress()
            if let lost = lock.lostReason {
                if !json { printReport(report) }
                Terminal.error("\(lost). Another process reconciles the store now; run apply again once it is done if it is still needed")
                throw ExitCode(1)
            }
            if json {
                Terminal.printJSON(report.json)
            } else if plan.hasChanges || !report.blocked.isEmpty {
                printReport(report)
            }
            if report.exitCode != 0 { throw ExitCode(report.exitCode) }
        }

        func printReport(_ report: ApplyReport) {
            for o in report.outcomes where !o.done.isEmpty || o.condition == .failed || o.condition == .rejected {
                for line in o.done { Terminal.print("\(o.model): \(line)") }
                if o.condition == .failed { Terminal.print(Terminal.paint("\(o.model): failed: ", .red) + o.message) }
                if o.condition == .rejected, !o.done.isEmpty { Terminal.print(Terminal.paint("\(o.model): rejected: ", .yellow) + o.message) }
            }
            Terminal.print()
            let ready = report.outcomes.filter { $0.condition == .ready }.count
            var tail = ["\(ready) ready"]
            if !report.rejected.isEmpty { tail.append("\(report.rejected.count) rejected") }
            if !report.failed.isEmpty { tail.append("\(report.failed.count) failed") }
            if !report.blocked.isEmpty { tail.append("\(report.blocked.count) blocked (retirement withheld; see the warning above)") }
            Terminal.print(Terminal.paint("Apply complete:", .bold)
                + " \(report.trained) trained, \(report.evaluated) evaluated, \(report.published) published, \(report.retired) retired; "
                + tail.joined(separator: ", ") + ".")
        }
    }
}
