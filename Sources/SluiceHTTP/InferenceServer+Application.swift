import Hummingbird
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

extension InferenceServer {
    /// `sluice serve`'s application: ``router(context:)`` on ``httpServer`` at `host:port`, as a
    /// swift-service-lifecycle `Service` to run in a `ServiceGroup`. On the group's graceful
    /// shutdown (SIGTERM) it marks the server as stopping (``beginStopping()``), stops accepting
    /// connections, lets the requests under way finish, and returns.
    /// - Parameter onRunning: called with the bound port once it listens (port 0 picks one).
    public func application(host: String, port: Int, logger: Logger,
                            onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> any Service {
        let app = Application(router: router(), server: Self.httpServer,
                              configuration: .init(address: .hostname(host, port: port), serverName: "sluice"),
                              onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) },
                              logger: logger)
        return ClosureService { [self] in
            try await withGracefulShutdownHandler {
                try await app.run()
            } onGracefulShutdown: {
                self.beginStopping()
            }
        }
    }

    /// Makes SwiftNIO's event loops the process's global executor for Swift concurrency, so that
    /// `sluice serve`'s handlers run on the thread of their socket (no hop). Call it before any
    /// task starts.
    public static func runConcurrencyOnEventLoops() {
        _ = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
    }
}
