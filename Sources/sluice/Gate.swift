import ArgumentParser
import Foundation
import SluiceController
import SluiceReconcile

extension Sluice {
    /// `sluice gate`: for CI, evaluate candidates against the champion and publish nothing.
    struct Gate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Train (or reuse) candidates and check their gates against the champion; publish nothing.",
            discussion: "Exit codes: 0 all gates pass, 3 a gate failed, 1 an error.")

        @OptionGroup var options: GlobalOptions

        @Option(name: .customLong("model"), help: "Gate only this model (repeatable).")
        var models: [String] = []

        @Option(help: "Write a Markdown report (for a pull-request comment) to this file.")
        var report: String?

        @Option(help: "Write a JUnit XML report to this file.")
        var junit: String?

        @Flag(help: "Print the results as JSON.")
        var json = false

        @Option(help: "Seconds to wait for another process holding the store's lock.")
        var lockTimeout: Double = 10

        func run() throws {
            let store = try options.openStore()
            let lock: StoreLock
            do {
                lock = try StoreLock.acquire(path: options.storePath + ".lock", timeout: .milliseconds(Int(lockTimeout * 1000)),
                                             command: CommandLine.arguments.joined(separator: " "))
            } catch {
                Terminal.error("\(error)")
                throw ExitCode(1)
            }
            defer { lock.release() }
            let runner = GateRunner(reconciler: options.reconciler(store: store))
            let (results, errors) = try runner.run(only: Set(models), progress: Terminal.progress)
            Terminal.clearProgress()
            for name in models where !results.contains(where: { $0.model == name }) {
                Terminal.error("no valid manifest declares a model named \(name)")
                throw ExitCode(1)
            }
            do {
                if let report { try GateReports.markdown(results).write(toFile: report, atomically: true, encoding: .utf8) }
                if let junit { try GateReports.junit(results).write(toFile: junit, atomically: true, encoding: .utf8) }
            } catch {
                Terminal.error("cannot write the report: \(error.localizedDescription)")
                throw ExitCode(1)
            }
            if json {
                Terminal.printJSON(GateReports.json(results, errors: errors.map(\.json)))
            } else {
                for e in errors { Terminal.print(Terminal.paint("✗ ", .red) + "\(e)") }
                for r in results {
                    if let e = r.error {
                        Terminal.print(Terminal.paint("✗ \(r.model)", .red) + ": error: \(e)")
                        continue
                    }
                    Terminal.print((r.passed ? Terminal.paint("✓ \(r.model)", .green) : Terminal.paint("✗ \(r.model)", .red))
                        + ": gate \(r.passed ? "passed" : "failed") for \(VersionIdentity.short(r.version ?? "")) — \(r.report?.summary ?? "")")
                    for o in r.report?.outcomes ?? [] { Terminal.print("    \(o.status.rawValue): \(o.message)") }
                }
            }
            let code = GateReports.exitCode(results, errors: errors)
            if code != 0 { throw ExitCode(code) }
        }
    }
}
