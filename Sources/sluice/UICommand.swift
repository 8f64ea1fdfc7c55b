import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import SluiceController
import SluiceHTTP
import SluiceUI

extension Sluice {
    /// `sluice ui`: the web UI over a store no controller runs on (a copy, a CI artifact, a store
    /// a controller left): the same pages as `sluice run`'s `/ui`, without "Reconcile now".
    struct UICommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ui",
            abstract: "Serve the web UI (/ui) over a store, read-only, without a controller.",
            discussion: """
                The store is opened read-only and never written. With manifests under --root, the pages show the \
                plan as `sluice plan` makes it (made again at most every 5 s); without them, the store's records \
                only. No page starts a cycle (that is `sluice run`'s). GET /healthz answers 200. SIGTERM or SIGINT \
                stops it (exit 0). See docs/ui.md.
                """)

        @OptionGroup var options: GlobalOptions

        @Option(help: ArgumentHelp("Where the pages listen (:PORT is loopback; port 0 picks a free one and logs it).", valueName: "HOST:PORT"))
        var listen: String = "127.0.0.1:8088"

        @Option(help: "Log format.")
        var logFormat: LogFormat = .text

        @Option(help: "Lowest log level: trace, debug, info, notice, warning, error, critical.")
        var logLevel: String = "info"

        func validate() throws {
            _ = try endpoint()
            guard Logger.Level(rawValue: logLevel) != nil else {
                throw ValidationError("--log-level \(logLevel): use one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }

        /// `--listen` as host and port; `:PORT` is loopback (the pages have no authentication).
        func endpoint() throws -> (host: String, port: Int) {
            guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]), (0...65535).contains(port) else {
                throw ValidationError("--listen \(listen): expected HOST:PORT (e.g. 127.0.0.1:8088, or 0.0.0.0:8088 in a container)")
            }
            let host = String(listen[..<colon])
            return (host.isEmpty ? "127.0.0.1" : host, port)
        }

        func run() async throws {
            LineLogHandler.bootstrap(format: logFormat, level: Logger.Level(rawValue: logLevel)!)
            let logger = Logger(label: "sluice.ui")
            let store = try options.requireStoreReadOnly()
            let (host, port) = try endpoint()
            let ui = try UI(context: UIContext(store: store, plans: plans(store), server: "sluice ui"))
            let storePath = options.storePath
            let app = UIRoutes.application(ui: ui, host: host, port: port, logger: Logger(label: "sluice.http")) { bound in
                logger.notice("serving", metadata: ["address": "\(host):\(bound)", "store": "\(storePath)"])
            }
            let group = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            do {
                try await group.run()
            } catch {
                logger.critical("cannot serve on --listen \(listen)", metadata: ["error": "\(error)"])
                throw ExitCode(1)
            }
        }

        /// The plan as `sluice plan` makes it, when the root has a manifests directory; else why there is none.
        func plans(_ store: any Store) -> PlanCache {
            let manifests = options.rootURL.appendingPathComponent(options.manifests)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: manifests.path, isDirectory: &isDirectory), isDirectory.boolValue else {
                let problem = "No manifests at \(manifests.path): the pages show the store only (give --root, or --manifests, to see the plan)."
                return PlanCache(maxAge: .seconds(3_600)) { .unavailable(problem, at: Date()) }
            }
            let reconciler = options.reconciler(store: store)
            return PlanCache(maxAge: .seconds(5)) {
                UIPlan.reading(at: Date()) {
                    let snapshot = try reconciler.snapshot()
                    var plan = reconciler.plan(snapshot)
                    plan.warnings += reconciler.dataWarnings(plan, snapshot)
                    return (plan, snapshot)
                }
            }
        }
    }
}
