import Foundation

/// A task executor with threads of its own, for the tests' in-process HTTP servers and the
/// clients that wait on them.
///
/// Swift Testing runs tests in parallel on the cooperative pool, which has one thread per core
/// (two on CI). Tests that block — waiting for a `sluice` process, polling a file — occupy those
/// threads, and an in-process server whose handlers also need them would stall until the blocking
/// tests finish, long enough for its clients to time out. Tasks started with this executor as
/// their preference (`Task(executorPreference:)`, `withTaskExecutorPreference`), and their child
/// tasks, run on these threads instead.
public final class DedicatedExecutor: TaskExecutor, @unchecked Sendable {
    /// Four threads, shared by every test.
    public static let shared = DedicatedExecutor(threads: 4)

    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []

    public init(threads: Int) {
        for i in 0..<threads {
            let thread = Thread { [unowned self] in self.run() }
            thread.name = "test.executor.\(i)"
            thread.start()
        }
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    private func run() {
        while true {
            condition.lock()
            while jobs.isEmpty { condition.wait() }
            let job = jobs.removeFirst()
            condition.unlock()
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}
