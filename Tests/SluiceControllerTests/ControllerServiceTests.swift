import Foundation
import Logging
import Synchronization
import ServiceLifecycle
import Testing
import SluiceController
import SluiceTesting
import TestSupport

/// `Controller` as a swift-service-lifecycle `Service`, run in process in a `ServiceGroup` over an
/// in-memory store: triggers wake it, graceful shutdown stops it (waiting for the cycle under
/// way, releasing the lease), and work that outlasts the shutdown timeout is given up.
///
/// The tests run on a ``DedicatedExecutor``: tests that block the cooperative pool's threads
/// must not hold the controller's waits up.
@Suite(.timeLimit(.minutes(1))) struct ControllerServiceTests {
    /// A controller of an empty manifests directory that reconciles hourly (only a trigger starts
    /// a second cycle).
    static func controller(_ source: (any ManifestSource)? = nil, in directory: URL,
                           shutdownTimeout: Duration = .seconds(20)) throws -> (Controller, InMemoryStore) {
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("manifests"), withIntermediateDirectories: true)
        var options = Controller.Options()
        options.interval = .seconds(3600)
        options.shutdownTimeout = shutdownTimeout
        // The manifests directory is empty on purpose (without it, no desired state: not ready).
        options.allowEmpty = true
        let store = InMemoryStore()
        let controller = Controller(options: options, source: source ?? DirectorySource(root: directory, manifests: "manifests"),
                                    store: store, root: directory, logger: Self.quiet)
        return (controller, store)
    }

    static let quiet = Logger(label: "test.controller") { _ in SwiftLogNoOpLogHandler() }

    static func directory() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("sluice-service-\(UUID().uuidString)")
    }

    /// Runs `group` on the dedicated executor.
    static func start(_ group: ServiceGroup) -> Task<Void, any Error> {
        Task(executorPreference: DedicatedExecutor.shared) { try await group.run() }
    }

    /// How the group's task ended. A group still running after 30 s is cancelled, and this throws
    /// instead: a controller that does not stop fails the test rather than hanging the run.
    static func outcome(of running: Task<Void, any Error>) async throws -> Result<Void, any Error> {
        let late = Late()
        let timer = Task(executorPreference: DedicatedExecutor.shared) {
            try await Task.sleep(for: .seconds(30))
            late.raised.store(true, ordering: .releasing)
            running.cancel()
        }
        let result = await running.result
        timer.cancel()
        if late.raised.load(ordering: .acquiring) { throw ServiceTestFailure("the controller did not stop within 30 s") }
        return result
    }

    private final class Late: Sendable {
        let raised = Atomic<Bool>(false)
    }

    /// Waits (suspending, polling every 10 ms) until `condition` holds; fails after 30 s.
    static func until(_ what: String, _ condition: () throws -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while try !condition() {
            guard ContinuousClock.now < deadline else { throw ServiceTestFailure("timed out waiting for \(what)") }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    @Test func aTriggerStartsACycleAndGracefulShutdownReleasesTheLease() async throws {
        try await withTaskExecutorPreference(DedicatedExecutor.shared) {
            let directory = Self.directory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let (controller, store) = try Self.controller(in: directory)
            let group = ServiceGroup(configuration: .init(services: [controller], logger: Self.quiet))
            let running = Self.start(group)

            try await Self.until("the first cycle") { controller.status.cycles == 1 }
            #expect(try store.leaseHolder()?.pid == getpid())
            #expect(controller.status.isReady)
            controller.trigger("a test")
            try await Self.until("the triggered cycle") { controller.status.cycles == 2 }

            await group.triggerGracefulShutdown()
            try await Self.outcome(of: running).get()
            #expect(controller.isStopping)
            #expect(!controller.status.holdsLease)
            #expect(try store.leaseHolder() == nil)
            #expect(controller.status.cycles == 2)
        }
    }

    @Test func gracefulShutdownWaitsForTheCycleUnderWay() async throws {
        try await withTaskExecutorPreference(DedicatedExecutor.shared) {
            let directory = Self.directory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let source = HeldSource(root: directory)
            let (controller, store) = try Self.controller(source, in: directory)
            let group = ServiceGroup(configuration: .init(services: [controller], logger: Self.quiet))
            let running = Self.start(group)

            try await Self.until("the cycle to be under way") { source.syncs == 1 }
            await group.triggerGracefulShutdown()
            try await Self.until("the stop") { controller.isStopping }
            source.release()
            try await Self.outcome(of: running).get()
            #expect(controller.status.cycles == 1, "the cycle under way finished")
            #expect(try store.leaseHolder() == nil)
        }
    }

    @Test func workThatOutlastsTheShutdownTimeoutIsAbandoned() async throws {
        try await withTaskExecutorPreference(DedicatedExecutor.shared) {
            let directory = Self.directory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let source = HeldSource(root: directory)
            defer { source.release() }
            let (controller, store) = try Self.controller(source, in: directory, shutdownTimeout: .milliseconds(100))
            let group = ServiceGroup(configuration: .init(services: [controller], logger: Self.quiet))
            let running = Self.start(group)

            try await Self.until("the cycle to be under way") { source.syncs == 1 }
            await group.triggerGracefulShutdown()
            let outcome = try await Self.outcome(of: running)
            #expect(throws: WorkAbandoned.self) { try outcome.get() }
            #expect(controller.status.cycles == 0, "the cycle did not finish")
            #expect(try store.leaseHolder()?.pid == getpid(), "the abandoned cycle still works under the lease")
        }
    }

    @Test func cancellingTheGroupStopsAnIdleController() async throws {
        try await withTaskExecutorPreference(DedicatedExecutor.shared) {
            let directory = Self.directory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let (controller, store) = try Self.controller(in: directory)
            let group = ServiceGroup(configuration: .init(services: [controller], logger: Self.quiet))
            let running = Self.start(group)

            try await Self.until("the first cycle") { controller.status.cycles == 1 }
            running.cancel()
            try await Self.outcome(of: running).get()
            #expect(controller.isStopping)
            #expect(try store.leaseHolder() == nil)
        }
    }
}

struct ServiceTestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
