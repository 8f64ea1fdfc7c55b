import Foundation
import Synchronization

/// Runs synchronous work (a cycle: training, git, SQLite; taking the lease) on a thread of its
/// own and awaits it.
///
/// The work blocks and can take minutes of CPU: on Swift's cooperative pool (one thread per core,
/// two here) it would starve everything else async in the process — the HTTP endpoint, the
/// signals, the waits. A continuation resumed from a `Thread` rather than a `TaskExecutor` with a
/// dedicated thread: the awaiting task can stop waiting when it is cancelled (the shutdown
/// timeout, a second SIGTERM) while the work goes on, abandoned, until the process exits; a task
/// on an executor cannot be left behind that way.
enum WorkThread {
    /// Runs `body` on a new thread (8 MiB of stack, as deep trees need) and returns its result.
    /// - Parameter abandonOnCancel: whether cancelling the task stops the wait (`false`: short work
    ///   that must be done, such as giving the lease up, is waited for all the same).
    /// - Throws: what `body` throws; ``WorkAbandoned`` when the task is cancelled before `body`
    ///   returns (then `body` is not started, or goes on without anyone waiting for it).
    static func run<T: Sendable>(_ name: String, abandonOnCancel: Bool = true,
                                 _ body: @escaping @Sendable () throws -> T) async throws -> T {
        guard abandonOnCancel else {
            return try await withCheckedThrowingContinuation { continuation in
                start(name) { continuation.resume(with: Result { try body() }) }
            }
        }
        let waiter = Mutex(Waiter<T>.idle)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
                let cancelled = waiter.withLock { w in
                    if case .cancelled = w { return true }
                    w = .waiting(continuation)
                    return false
                }
                if cancelled {
                    continuation.resume(throwing: WorkAbandoned())
                    return
                }
                start(name) {
                    let result = Result { try body() }
                    waiter.withLock { $0.take() }?.resume(with: result)
                }
            }
        } onCancel: {
            waiter.withLock { $0.take(cancelling: true) }?.resume(throwing: WorkAbandoned())
        }
    }

    private static func start(_ name: String, _ work: @escaping @Sendable () -> Void) {
        let thread = Thread(block: work)
        thread.name = name
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// Who resumes the continuation: the thread when its work ends, or the cancellation handler,
    /// whichever comes first.
    private enum Waiter<T: Sendable> {
        case idle
        case waiting(CheckedContinuation<T, any Error>)
        case cancelled
        case done

        /// The continuation, once; `cancelling` marks a cancellation that came before it.
        mutating func take(cancelling: Bool = false) -> CheckedContinuation<T, any Error>? {
            switch self {
            case .waiting(let continuation):
                self = .done
                return continuation
            case .idle:
                if cancelling { self = .cancelled }
                return nil
            case .cancelled, .done:
                return nil
            }
        }
    }
}

/// The controller's task was cancelled (the shutdown timeout passed, or a second SIGTERM came)
/// while work was under way on its thread: that work is abandoned, not finished.
public struct WorkAbandoned: Error, CustomStringConvertible {
    public init() {}
    public var description: String { "work under way was abandoned: the controller was cancelled before it finished" }
}
