import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import SluiceController
import SluiceHTTP
import SluiceReconcile
import SluiceSystem

extension Sluice {
    /// `sluice run`: the controller.
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Reconcile continuously: on an interval, on file changes, on SIGHUP or POST /reconcile.",
            discussion: """
                Manifests come from --manifests under --root, or from a branch of a git repository (--git URL \
                --branch B --path DIR), cloned into the store's directory and fetched every cycle. Failed models \
                are retried with exponential backoff; drifted targets are republished. One controller writes a \
                SQLite store at a time: the others wait for its lease. On a PostgreSQL store (--store postgres://…) \
                any number of replicas share the work: one leads (plans), every one claims models and carries them \
                out. SIGTERM or SIGINT stops it cleanly (exit 0).
                --config FILE reads a JSON object with the same keys as the options (e.g. {"interval": 30, \
                "git": "https://…"}); options on the command line win. See controller/README.md.
                """)

        @OptionGroup var options: GlobalOptions

        @Option(help: ArgumentHelp("A JSON file of options (same keys as the flags, without the dashes).", valueName: "FILE"))
        var config: String?

        @Option(help: ArgumentHelp("A git repository to take the manifests from (URL or path).", valueName: "URL"))
        var git: String?

        @Option(help: "The branch of --git to reconcile.")
        var branch: String = "main"

        @Option(help: ArgumentHelp("The manifests directory inside the --git repository.", valueName: "DIR"))
        var path: String = "manifests"

        @Option(help: "Time between cycles: 30s, 5m, 1h, or seconds (each wait varies by ±10% so replicas do not beat in step).",
                transform: DurationOption.seconds)
        var interval: Double = 30

        @Option(help: "Models reconciled at once (default: the number of cores).")
        var concurrency: Int = ProcessInfo.processInfo.activeProcessorCount

        @Option(help: "How long to wait before retrying a failed model the first time (5s, or seconds); doubled on each failure.",
                transform: DurationOption.seconds)
        var backoff: Double = 5

        @Option(help: "The longest wait before retrying a failed model (5m, or seconds).", transform: DurationOption.seconds)
        var maxBackoff: Double = 300

        @Option(help: "How long the store's writer lease lasts without a heartbeat (a killed controller's is taken over after this; with replicas on PostgreSQL, the leader's): 30s on SQLite, 15s on PostgreSQL.",
                transform: DurationOption.seconds)
        var leaseDuration: Double?

        @Option(help: "Replicas on PostgreSQL: how long a replica's claim on a model lasts without a heartbeat (renewed every third of it); a killed or paused replica's models are taken over after this (60s, or seconds).",
                transform: DurationOption.seconds)
        var claimLease: Double = 60

        @Option(help: "How long to wait for work under way after SIGTERM before exiting anyway (20s, or seconds).",
                transform: DurationOption.seconds)
        var shutdownTimeout: Double = 20

        @Option(help: ArgumentHelp("Where /healthz, /readyz, /metrics, POST /reconcile and the web UI (/ui) listen (:PORT is loopback); \"off\" for nowhere.",
                                   valueName: "HOST:PORT"))
        var listen: String = "127.0.0.1:9095"

        @Option(help: ArgumentHelp("The environment variable holding the bearer token that POST /reconcile and the web UI's \"Reconcile now\" need (without it, they need none).",
                                   valueName: "NAME"))
        var tokenEnv: String?

        @Option(help: "Log format.")
        var logFormat: LogFormat = .text

        @Option(help: "Lowest log level: trace, debug, info, notice, warning, error, critical.")
        var logLevel: String = "info"

        @Flag(help: "Allow retiring every published model at once (when all manifests are gone).")
        var allowEmpty = false

        @Option(help: ArgumentHelp("Reuse versions trained by `gate --cache DIR`; add the ones trained here.", valueName: "DIR"))
        var cache: String?

        /// The long names of the options, which are also the keys of a `--config` file.
        static var optionNames: Set<String> {
            var names: Set<String> = []
            for line in helpMessage(columns: 1000).split(separator: "\n") {
                for match in line.matches(of: #/--([a-z][a-z0-9-]*)/#) { names.insert(String(match.1)) }
            }
            return names.subtracting(["config", "help", "version"])
        }

        func validate() throws {
            guard interval > 0 else { throw ValidationError("--interval \(interval): must be a positive duration (e.g. 30s)") }
            guard concurrency >= 1 else { throw ValidationError("--concurrency \(concurrency): must be 1 or more") }
            guard backoff > 0, maxBackoff >= backoff else { throw ValidationError("--backoff \(backoff) and --max-backoff \(maxBackoff): need 0 < backoff ≤ max-backoff") }
            if let leaseDuration, leaseDuration < 1 { throw ValidationError("--lease-duration \(leaseDuration): must be at least 1 second") }
            guard claimLease >= 1 else { throw ValidationError("--claim-lease \(claimLease): must be at least 1 second") }
            guard Logger.Level(rawValue: logLevel) != nil else {
                throw ValidationError("--log-level \(logLevel): use one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            if listen != "off" { _ = try endpoint() }
        }

        /// `--listen` as host and port; `:PORT` is loopback (the endpoint has no authentication).
        func endpoint() throws -> (host: String, port: Int) {
            guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]), (0...65535).contains(port) else {
                throw ValidationError("--listen \(listen): expected HOST:PORT (e.g. 127.0.0.1:9095, or 0.0.0.0:9095 in a container), or off")
            }
            let host = String(listen[..<colon])
            return (host.isEmpty ? "127.0.0.1" : host, port)
        }

        /// Credentials for `--git` from `SLUICE_GIT_USERNAME` / `SLUICE_GIT_PASSWORD` (a URL with
        /// `user:token@` works too, but the command line is visible to every user in `ps`).
        static func gitCredentials(_ environment: [String: String]) -> GitCredentials? {
            guard let password = environment["SLUICE_GIT_PASSWORD"], !password.isEmpty else { return nil }
            return GitCredentials(username: environment["SLUICE_GIT_USERNAME"] ?? "sluice", password: password)
        }

        /// The token of `--token-env`, read from the environment.
        /// - Throws: exit code 1 with a message naming the variable when it is unset or empty.
        static func token(_ tokenEnv: String?, _ environment: [String: String]) throws -> String? {
            guard let tokenEnv else { return nil }
            guard let token = environment[tokenEnv], !token.isEmpty else {
                Terminal.error("--token-env \(tokenEnv): the environment variable \(tokenEnv) is not set or empty; set it to the bearer token POST /reconcile and the web UI's Reconcile now should need, or leave --token-env out")
                throw ExitCode(1)
            }
            return token
        }

        func run() async throws {
            let token = try Self.token(tokenEnv, ProcessInfo.processInfo.environment)
            LineLogHandler.bootstrap(format: logFormat, level: Logger.Level(rawValue: logLevel)!)
            let logger = Logger(label: "sluice.controller")
            let metrics = ControllerEndpoint.MetricsRegistry.bootstrap()

            if let git, GitCredentials.split(git).credentials != nil, CommandLine.arguments.contains(where: { $0.contains(git) }) {
                logger.warning("the --git URL holds credentials, and every user of this host can read a command line (ps); put them in SLUICE_GIT_USERNAME and SLUICE_GIT_PASSWORD, or in the --config file, instead")
            }
            let store = try options.openStore()
            let source: any ManifestSource = if let git {
                GitSource(url: git, branch: branch, path: path,
                          checkouts: URL(fileURLWithPath: options.storeDirectory).appendingPathComponent("git"),
                          credentials: Self.gitCredentials(ProcessInfo.processInfo.environment))
            } else {
                DirectorySource(root: options.rootURL, manifests: options.manifests)
            }
            var settings = Controller.Options()
            settings.interval = .milliseconds(Int(interval * 1000))
            settings.concurrency = concurrency
            settings.retry = RetryPolicy(base: backoff, cap: maxBackoff)
            settings.leaseDuration = .milliseconds(Int((leaseDuration ?? (options.postgresURI == nil ? 30 : 15)) * 1000))
            settings.claimLease = .milliseconds(Int(claimLease * 1000))
            settings.allowEmpty = allowEmpty
            settings.downloads = options.downloadsPath
            settings.storeDirectory = options.storeDirectory
            settings.deployRoots = options.deployRootPaths
            settings.downloadLimits = options.downloadLimits
            settings.shutdownTimeout = .seconds(shutdownTimeout)
            settings.cache = GlobalOptions.cachePath(cache)
            let controller = Controller(options: settings, source: source, store: store, root: options.rootURL, logger: logger)

            let signals = await Signals(controller: controller, logger: logger)
            // --shutdown-timeout is the controller's own (Options.shutdownTimeout), not the group's
            // maximumGracefulShutdownDuration: a group that cancels its services at that timeout
            // can end without the error of the one that gave its work up, and exit 0.
            let group = ServiceGroup(configuration: .init(services: try services(controller, signals, metrics, token, logger), logger: logger))
            signals.shutsDown(group)
            do {
                try await group.run()
            } catch let error as ControllerEndpoint.ListenError {
                logger.critical("cannot listen on --listen \(listen)", metadata: ["address": "\(error.address)", "error": "\(error.error)"])
                throw ExitCode(1)
            } catch is Signals.Again {
                throw ExitCode(1)
            } catch is WorkAbandoned {
                logger.error("work under way did not stop within \(shutdownTimeout) s; exiting without it")
                throw ExitCode(1)
            } catch {
                logger.critical("controller stopped", metadata: ["error": "\(error)"])
                throw ExitCode(1)
            }
        }

        /// The group's services, in the order they start (the reverse of the order they stop in):
        /// the signals, the HTTP endpoint, and the controller, which starts once the endpoint
        /// listens (a port in use is an error, exit 1, before any cycle runs) and stops first.
        func services(_ controller: Controller, _ signals: Signals, _ metrics: ControllerEndpoint.MetricsRegistry, _ token: String?,
                      _ logger: Logger) throws -> [ServiceGroupConfiguration.ServiceConfiguration] {
            guard listen != "off" else { return [.init(service: signals), .init(service: controller)] }
            let (host, port) = try endpoint()
            let (listening, listened) = AsyncStream<Void>.makeStream()
            let http = ControllerEndpoint.service(controller: controller, metrics: metrics, host: host, port: port, token: token,
                                                  logger: Logger(label: "sluice.http")) { bound in
                logger.info("HTTP endpoint listening", metadata: ["address": "\(host):\(bound)"])
                listened.yield()
            }
            let afterEndpoint = ClosureService {
                // Ends without a value when the group stops first (the endpoint could not listen).
                for await _ in listening.cancelOnGracefulShutdown() {
                    try await controller.run()
                    return
                }
            }
            return [.init(service: signals), .init(service: http), .init(service: afterEndpoint)]
        }
    }
}
