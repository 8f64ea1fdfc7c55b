import ArgumentParser
import Foundation
import SluiceController
import SluiceCore
import SluiceLearn
import SluiceMonitor
import SluiceReconcile

extension Sluice {
    /// `sluice monitor NAME`: drift, data quality and live performance of a model in service, from the
    /// server that serves it, or of a batch file against the model's reference profile.
    struct Monitor: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Judge a model's live traffic (or a batch file) against the reference profile frozen at training.",
            discussion: """
                With --data FILE.csv, no server is needed: every row of the file is scored with the version in \
                service (or --version) and compared with that version's reference profile; when the file has \
                the target column, the live metrics are measured on it too. Without --data, the window of rows \
                recorded by `sluice serve` is read from the server (--server URL, else spec.monitor.server, else \
                the model's http deploy target) and judged against the profile of the version the server names, \
                from the store. The thresholds are the manifest's spec.monitor (defaults filled in, the gate's metric).
                The conditions are those that hold now (the controller's persistFor does not apply).
                Exit codes: 0 no Drifted or Degraded condition (InsufficientData only informs), 3 a Drifted or \
                Degraded condition holds, 1 an error.
                """)

        @OptionGroup var options: GlobalOptions

        @Argument(help: "The model's name.")
        var name: String

        @Option(help: ArgumentHelp("Judge the rows of this CSV file (read like training data) instead of a server's window.", valueName: "FILE.csv"))
        var data: String?

        @Option(help: ArgumentHelp("With --data: the version to score with (an id or its first 12 characters); default the one in service.", valueName: "ID"))
        var version: String?

        @Option(help: ArgumentHelp("Without --data: how far back the server's window reaches (30s, 5m, 24h, 7d; default 24h).", valueName: "DURATION"))
        var window: String?

        @Option(help: ArgumentHelp("Without --data: the base URL of the `sluice serve` to ask (default: the model's http deploy target).", valueName: "URL"))
        var server: String?

        @Flag(help: "Print the report as JSON.")
        var json = false

        @Option(help: ArgumentHelp("Write a self-contained HTML page with charts.", valueName: "FILE.html"))
        var html: String?

        @Option(help: "How long to wait for the server's answer (10s, 1m, or seconds).", transform: DurationOption.seconds)
        var timeout: Double = 30

        func validate() throws {
            if let window {
                do { _ = try DurationText.seconds(window) } catch { throw ValidationError("--window \(window): \(error.description)") }
                if data != nil { throw ValidationError("--window needs a server: a --data file is judged whole") }
            }
            if data != nil, server != nil { throw ValidationError("--data and --server exclude each other: --data judges a file, --server a server's window") }
            if data == nil, version != nil { throw ValidationError("--version needs --data: without it, the server names the version whose rows it recorded") }
        }

        func run() throws {
            let judged = try data.map(judgeFile) ?? judgeServer()
            let report = MonitorReport.evaluate(profile: judged.subject.profile, stats: judged.stats, policy: judged.policy)
            if let html {
                let page = MonitorPage.html(heading: .init(model: name, version: judged.subject.version, source: judged.source),
                                            profile: judged.subject.profile, stats: judged.stats, report: report, series: judged.series,
                                            policy: judged.policy)
                do { try page.write(toFile: html, atomically: true, encoding: .utf8) } catch {
                    Terminal.error("cannot write --html \(html): \(error.localizedDescription)")
                    throw ExitCode(1)
                }
            }
            if json {
                Terminal.printJSON(MonitorOutput.json(report, judged: judged))
            } else {
                for line in MonitorOutput.text(report, judged: judged) { Terminal.print(line) }
            }
            if report.conditions.contains(where: \.isBreach) { throw ExitCode(3) }
        }

        /// Scores the rows of `path` with the version and counts them.
        func judgeFile(_ path: String) throws -> MonitorOutput.Judged {
            let store = try options.requireStoreReadOnly()
            let subject = try MonitorSubject.resolve(store, model: name, version: version)
            guard let bytes = FileManager.default.contents(atPath: path) else {
                Terminal.error("--data \(path): cannot read the file (no such file, or not readable)")
                throw ExitCode(1)
            }
            let frame: DataFrame
            do { frame = try CSVReader.parse([UInt8](bytes)) } catch {
                Terminal.error("\(path): \(error)")
                throw ExitCode(1)
            }
            let features = subject.artifact.encoder.features.map(\.name)
            let absent = features.filter { frame.column(named: $0) == nil }
            guard absent.isEmpty else {
                Terminal.error("\(path): no column " + absent.map { "\"\($0)\"" }.joined(separator: ", ") + ", which \(name) needs; "
                    + "the file needs a column for every feature (\(features.joined(separator: ", "))), and may have the target "
                    + "\"\(subject.artifact.target.name)\" for live metrics")
                throw ExitCode(1)
            }
            let stats: WindowStats
            do { stats = try subject.artifact.batchStats(of: frame, profile: subject.profile) } catch {
                Terminal.error("\(path): \(error)")
                throw ExitCode(1)
            }
            let policy = MonitorManifest.load(options, model: name, warn: true).policy
            return .init(subject: subject, stats: stats, series: [], policy: policy, source: "\(frame.rowCount) rows of \(path)",
                         data: path, server: nil, window: nil, unmatchedLabels: nil, dropped: nil)
        }

        /// Reads the server's window and the profile of the version it names.
        func judgeServer() throws -> MonitorOutput.Judged {
            let manifest = MonitorManifest.load(options, model: name, warn: true)
            let server = try MonitorServer.resolve(server, model: name, options: options, manifest: manifest)
            let window = self.window ?? "24h"
            let body = try server.window(model: name, window: window, metric: manifest.policy.metric,
                                         client: HTTPClient(timeout: timeout, attempts: 2, backoff: 0.5))
            let identity: (model: String, version: String)
            do { identity = try MonitorWindow.identity(json: body) } catch {
                Terminal.error("the server \(server.base) answered with a monitor window that cannot be read: \(error)")
                throw ExitCode(1)
            }
            guard identity.model == name else {
                Terminal.error("the server \(server.base) answered about model \(identity.model), not \(name)")
                throw ExitCode(1)
            }
            let store = try options.requireStoreReadOnly()
            let subject = try MonitorSubject.named(store, model: name, version: identity.version, server: server.base)
            let parsed: MonitorWindow
            do { parsed = try MonitorWindow(json: body, profile: subject.profile) } catch {
                Terminal.error("the server \(server.base) answered with a monitor window that does not fit version "
                    + "\(VersionIdentity.short(subject.version))'s reference profile: \(error)")
                throw ExitCode(1)
            }
            return .init(subject: subject, stats: parsed.stats, series: parsed.series, policy: manifest.policy,
                         source: "the last \(window) on \(server.base)", data: nil, server: server.base, window: parsed,
                         unmatchedLabels: body["unmatchedLabels"]?.intValue, dropped: body["dropped"]?.intValue)
        }
    }
}
