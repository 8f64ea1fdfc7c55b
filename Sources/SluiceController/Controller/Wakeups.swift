/// What wakes the controller's loop while it waits for the next cycle or for the lease: a
/// trigger, a lost lease, a stop. An `AsyncStream` of wake-ups, so that waiting suspends a task
/// instead of blocking a thread; wake-ups that come while nobody waits count as one.
final class Wakeups: Sendable {
    private let stream: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation

    init() {
        (stream, continuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Wakes the waiting task (or the next one to wait). Any thread may call it.
    func signal() { continuation.yield() }

    /// Waits for a wake-up or for `deadline`, whichever comes first. One task waits at a time
    /// (the controller's loop). A wake-up may be stale (one that came just as an earlier wait
    /// ended): callers check what they wait for, and wait again.
    /// - Returns: `false` when the deadline passed; `true` when woken (or cancelled) before.
    func wait(until deadline: ContinuousClock.Instant) async -> Bool {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { [continuation] in
                // The timer wakes the loop through the same stream; a cancelled timer stays quiet.
                guard (try? await Task.sleep(until: deadline, clock: .continuous)) != nil else { return }
                continuation.yield()
            }
            var iterator = stream.makeAsyncIterator()
            _ = await iterator.next()
            group.cancelAll()
        }
        return ContinuousClock.now < deadline
    }
}
