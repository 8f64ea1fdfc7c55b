import ArgumentParser
import Foundation
import SluiceController
import SluiceReconcile

extension Sluice {
    /// `sluice gate`: for CI, evaluate candidates against the champion and publish nothing.
    struct Gate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Train (or reuse) candidates and check their gates against the champion; publish nothing.",
            discussion: """
                The champion of each model is read from --baseline DIR when given (DIR/NAME/model.json and \
                metadata.json), else from the store, else from the model's directory target; its digest is \
                checked. A --baseline DIR that does not exist is an error (an empty one means no model \
                is in production yet). Without a champion, maxRegression rules are reported as skipped, \
                or fail with --require-champion.
                Exit codes: 0 all gates pass, 3 a gate failed, 1 an error.
                """)

        @OptionGroup var options: GlobalOptions

        @Option(name: .customLong("model"), help: "Gate only this model (repeatable).")
        var models: [String] = []

        @Option(help: ArgumentHelp("Gate only models whose manifest, dataset or test file changed since this git revision.", valueName: "REF"))
        var changedSince: String?

        @Option(help: ArgumentHelp("Read champions from DIR/NAME/model.json and metadata.json.", valueName: "DIR"))
        var baseline: String?

        @Flag(help: "Fail the gate (exit 3) of a model with a maxRegression rule when no champion is found to compare with.")
        var requireChampion = false

        @Option(help: ArgumentHelp("Share trained versions with later runs (e.g. `apply --cache DIR` after the merge).", valueName: "DIR"))
        var cache: String?

        @Option(help: ArgumentHelp("Write a Markdown report (for a pull-request comment).", valueName: "FILE.md"))
        var report: String?

        @Option(help: ArgumentHelp("Write a JUnit XML report: one test case per gate rule.", valueName: "FILE.xml"))
        var junit: String?

        @Option(help: ArgumentHelp("Write a self-contained HTML report with charts.", valueName: "FILE.html"))
        var html: String?

        @Flag(help: "Print the results as JSON.")
        var json = false

        @Option(help: "How long to wait for another process holding the store's lock (10s, 1m, or seconds).",
                transform: DurationOption.seconds)
        var lockTimeout: Double = 10

        func run() throws {
            let store = try options.openStore()
            let lock = try options.lockStore(store, timeout: lockTimeout)
            defer { lock.release() }
            let runner = GateRunner(reconciler: options.reconciler(store: store, cache: cache))
            let run: GateRun
            do {
                run = try runner.run(.init(only: Set(models), changedSince: changedSince, baseline: baseline, requireChampion: requireChampion), progress: Terminal.progress)
            } catch {
                Terminal.clearProgress()
                Terminal.error("\(error)")
                throw ExitCode(1)
            }
            Terminal.clearProgress()
            for name in models where !run.results.contains(where: { $0.model == name }) && !run.skipped.contains(where: { $0.model == name }) {
                Terminal.error("no valid manifest declares a model named \(name)")
                throw ExitCode(1)
            }
            do {
                if let report { try GateReports.markdown(run).write(toFile: report, atomically: true, encoding: .utf8) }
                if let junit { try GateReports.junit(run).write(toFile: junit, atomically: true, encoding: .utf8) }
                if let html { try GateReports.html(run).write(toFile: html, atomically: true, encoding: .utf8) }
            } catch {
                Terminal.error("cannot write the report: \(error.localizedDescription)")
                throw ExitCode(1)
            }
            if json {
                Terminal.printJSON(GateReports.json(run))
            } else {
                printSummary(run)
            }
            let code = GateReports.exitCode(run)
            if code != 0 { throw ExitCode(code) }
        }

        func printSummary(_ run: GateRun) {
            for e in run.errors { Terminal.print(Terminal.paint("✗ ", .red) + "\(e)") }
            for r in run.results {
                if let e = r.error {
                    Terminal.print(Terminal.paint("✗ \(r.model)", .red) + ": error: \(e)")
                    continue
                }
                let how = r.trained ? "trained" : "reused"
                Terminal.print((r.passed ? Terminal.paint("✓ \(r.model)", .green) : Terminal.paint("✗ \(r.model)", .red))
                    + ": gate \(r.passed ? "passed" : "failed") for \(VersionIdentity.short(r.version ?? "")) (\(how))"
                    + ", \(r.championText)")
                if let n = r.testRows { Terminal.print("    test set: \(n) rows") }
                for o in r.report?.outcomes ?? [] { Terminal.print("    \(o.status.words): \(o.message)") }
                for w in r.resolutionWarnings { Terminal.print(Terminal.paint("    warning: ", .yellow) + w) }
            }
            for s in run.skipped { Terminal.print(Terminal.paint("- \(s.model)", .dim) + ": skipped, \(s.reason)") }
        }
    }
}
