import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import SluiceController
import SluiceHTTP
import SluiceServe

extension Sluice {
    /// `sluice serve`: the published models over the Open Inference Protocol.
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Serve the models published below a directory over the Open Inference Protocol (KServe V2).",
            discussion: """
                Every directory below --repository holding model.json and metadata.json (what a directory target \
                publishes) is served under the model's name, and reloaded within a second when it changes: a \
                replaced model swaps in atomically, a removed one is unloaded, and files that fail their digest \
                check are never served (the previous version keeps serving). With --token-env NAME, the \
                repository API (PUT/DELETE/GET /v2/repository/models/{name}, for the http deploy target) accepts \
                the bearer token in that environment variable; without it, that API is off. SIGTERM or SIGINT \
                stops accepting connections, finishes requests under way, and exits 0. Every answered row of a \
                model with a reference profile is counted for monitoring (off the request path) into \
                --monitor-dir, and a sample is logged for joining labels (POST /v2/models/{name}/feedback); \
                GET /v2/models/{name}/monitor reports a window. --no-monitor turns this off. See \
                docs/serving.md and docs/monitoring.md.
                """)

        @Option(help: ArgumentHelp("The directory of published models.", valueName: "DIR"))
        var repository: String = "deploy"

        @Option(help: "The address to listen on (loopback by default; 0.0.0.0 in a container).")
        var host: String = "127.0.0.1"

        @Option(help: "The port to listen on (0 picks a free one and logs it).")
        var port: Int = 8080

        @Option(help: ArgumentHelp("The environment variable holding the repository API's bearer token.", valueName: "NAME"))
        var tokenEnv: String?

        @Option(help: ArgumentHelp("The largest request body accepted, in MiB (1 to 4096).", valueName: "MIB"))
        var maxBodySize: Int = 64

        /// The largest `--max-body-size`, in MiB: a body is held in memory whole.
        static let maxBodySizeLimit = 4096

        @Option(help: "Time between scans of the repository: 1s, 500ms, or seconds (file changes are picked up at once anyway).",
                transform: DurationOption.seconds)
        var pollInterval: Double = 1

        @Flag(help: "Record nothing: no monitor statistics, row log or feedback, and no generated request ids.")
        var noMonitor = false

        @Option(help: ArgumentHelp("Where the monitor keeps its SQLite file (default: <repository>/.sluice-monitor, which the repository scan skips; put another directory outside the repository).", valueName: "DIR"))
        var monitorDir: String?

        @Option(help: "The length of a monitor time bucket: 30s, 1m, … (whole seconds).", transform: DurationOption.seconds)
        var monitorBucket: Double = 60

        @Option(help: ArgumentHelp("The share of served rows logged for joining labels, 0 to 1 (1 joins every label).", valueName: "RATE"))
        var monitorLogRows: Double = 0.1

        @Option(help: ArgumentHelp("The most rows logged per model and second.", valueName: "N"))
        var monitorMaxRowsPerSecond: Double = 50

        @Option(help: "How long monitor time buckets are kept.", transform: DurationOption.seconds)
        var monitorRetentionAggregates: Double = 35 * 86_400

        @Option(help: "How long logged rows are kept.", transform: DurationOption.seconds)
        var monitorRetentionRows: Double = 7 * 86_400

        @Option(help: "How long labels (feedback) are kept.", transform: DurationOption.seconds)
        var monitorRetentionFeedback: Double = 30 * 86_400

        @Option(help: ArgumentHelp("The most bytes the row log may take (e.g. 1GiB, 500MiB); the oldest rows go first.", valueName: "SIZE"),
                transform: ByteSize.bytes)
        var monitorMaxBytes: Int = 1 << 30

        @Option(help: "Log format.")
        var logFormat: LogFormat = .text

        @Option(help: "Lowest log level: trace, debug, info, notice, warning, error, critical.")
        var logLevel: String = "info"

        func validate() throws {
            guard (0...65535).contains(port) else { throw ValidationError("--port \(port): must be between 0 and 65535") }
            guard (1...Self.maxBodySizeLimit).contains(maxBodySize) else {
                throw ValidationError("--max-body-size \(maxBodySize): must be between 1 and \(Self.maxBodySizeLimit) MiB")
            }
            guard pollInterval > 0 else { throw ValidationError("--poll-interval \(pollInterval): must be a positive duration (e.g. 1s)") }
            guard monitorBucket >= 1, monitorBucket == monitorBucket.rounded() else {
                throw ValidationError("--monitor-bucket \(monitorBucket)s: must be a whole number of seconds, at least 1s (e.g. 60s)")
            }
            guard (0...1).contains(monitorLogRows) else {
                throw ValidationError("--monitor-log-rows \(monitorLogRows): must be a share between 0 and 1 (e.g. 0.1)")
            }
            guard monitorMaxRowsPerSecond >= 0, monitorMaxRowsPerSecond.isFinite else {
                throw ValidationError("--monitor-max-rows-per-second \(monitorMaxRowsPerSecond): must be a non-negative number")
            }
            for (flag, value) in [("--monitor-retention-aggregates", monitorRetentionAggregates), ("--monitor-retention-rows", monitorRetentionRows),
                                  ("--monitor-retention-feedback", monitorRetentionFeedback)] where value <= 0 {
                throw ValidationError("\(flag) \(value): must be a positive duration (e.g. 7d)")
            }
            guard Logger.Level(rawValue: logLevel) != nil else {
                throw ValidationError("--log-level \(logLevel): use one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }

        func run() async throws {
            LineLogHandler.bootstrap(format: logFormat, level: Logger.Level(rawValue: logLevel)!)
            let logger = Logger(label: "sluice.serve")

            var options = InferenceServer.Options()
            options.maxBodySize = maxBodySize << 20
            if let tokenEnv {
                guard let token = ProcessInfo.processInfo.environment[tokenEnv], !token.isEmpty else {
                    Terminal.error("--token-env \(tokenEnv): the environment variable \(tokenEnv) is not set or empty; set it to the repository API's bearer token")
                    throw ExitCode(1)
                }
                options.token = token
            }
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: repository, isDirectory: &isDirectory), isDirectory.boolValue else {
                Terminal.error("--repository \(repository) is not a directory; create it, or point at the directory your deploy targets publish to")
                throw ExitCode(1)
            }

            // Temporary files of writes a kill cut short (repository API PUTs, directory targets).
            for path in TemporaryFiles.sweep(repository, depth: 6) {
                logger.notice("removed a temporary file left by a killed process", metadata: ["path": "\(path)"])
            }
            let repo = ModelRepository(root: repository, logger: logger)
            repo.start(pollInterval: pollInterval)
            var monitor: MonitorRecorder?
            if !noMonitor {
                var m = MonitorOptions(directory: monitorDir ?? "\(repo.root)/\(MonitorOptions.defaultDirectoryName)")
                m.bucketSeconds = Int(monitorBucket)
                m.logRows = monitorLogRows
                m.maxRowsPerSecond = monitorMaxRowsPerSecond
                m.aggregatesRetention = monitorRetentionAggregates
                m.rowsRetention = monitorRetentionRows
                m.feedbackRetention = monitorRetentionFeedback
                m.maxRowBytes = monitorMaxBytes
                do { monitor = try MonitorRecorder(options: m, logger: Logger(label: "sluice.monitor")) } catch {
                    repo.stop()
                    Terminal.error("--monitor-dir \(m.directory): \(error.message)")
                    throw ExitCode(1)
                }
            }
            let server = InferenceServer(repository: repo, options: options, monitor: monitor)
            let (host, port, models, apiOn) = (host, port, repo.models.count, options.token != nil)
            let app = server.application(host: host, port: port, logger: Logger(label: "sluice.http")) { bound in
                logger.notice("serving", metadata: [
                    "address": "\(host):\(bound)", "models": "\(models)",
                    "repository": "\(repo.root)", "repository_api": "\(apiOn ? "on" : "off")",
                ])
            }
            let group = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            do {
                try await group.run()
            } catch {
                repo.stop()
                monitor?.stop()
                logger.critical("server stopped", metadata: ["error": "\(error)"])
                throw ExitCode(1)
            }
            repo.stop()
            // Rows counted but not yet stored are stored before exiting.
            monitor?.stop()
            logger.notice("stopped")
        }
    }
}
