import Logging
import ServiceLifecycle
import Synchronization
import SluiceController
import UnixSignals

/// `sluice run`'s signal policy, as a service of its `ServiceGroup`: SIGHUP starts a cycle; the
/// first SIGTERM or SIGINT shuts the group down gracefully (a publish under way finishes,
/// training is abandoned, the lease is released); a second one ends the run at once, abandoning
/// the work under way (exit 1).
///
/// It traps the three signals itself, rather than giving SIGTERM and SIGINT to the group's
/// `gracefulShutdownSignals`, because the second signal must still be heard while the group
/// shuts down, and swift-service-lifecycle wants one handler a signal.
final class Signals: Service {
    /// A second SIGTERM or SIGINT came while the first one's shutdown was under way.
    struct Again: Error, CustomStringConvertible {
        var signal: UnixSignal
        var description: String { "\(signal) again: exiting now" }
    }

    let controller: Controller
    let logger: Logger
    private let signals: UnixSignalsSequence
    private let group = Mutex<ServiceGroup?>(nil)

    /// Traps SIGTERM, SIGINT and SIGHUP: from here on they no longer end the process by their
    /// default action, and those that come before ``run()`` wait for it.
    init(controller: Controller, logger: Logger) async {
        self.controller = controller
        self.logger = logger
        signals = await UnixSignalsSequence(trapping: .sigterm, .sigint, .sighup)
    }

    /// The group the first SIGTERM or SIGINT shuts down (the one this service runs in).
    func shutsDown(_ group: ServiceGroup) {
        self.group.withLock { $0 = group }
    }

    /// Handles the signals until the group's graceful shutdown reaches this service (the first
    /// of the group's services: the last one stopped).
    /// - Throws: ``Again`` on a second SIGTERM or SIGINT, which cancels the group.
    func run() async throws {
        var stopping = false
        for await signal in signals.cancelOnGracefulShutdown() {
            if signal == .sighup {
                logger.info("SIGHUP: starting a cycle")
                controller.trigger("SIGHUP")
                continue
            }
            if stopping {
                logger.warning("\(signal) again: exiting now")
                throw Again(signal: signal)
            }
            stopping = true
            logger.notice("\(signal): stopping; a publish under way finishes, training is abandoned")
            await group.withLock { $0 }?.triggerGracefulShutdown()
        }
    }
}
