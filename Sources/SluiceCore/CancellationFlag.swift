import Synchronization

/// A flag one thread raises and others poll: how a shutdown reaches a training run or a
/// cycle that is under way. Raising it is permanent.
public final class CancellationFlag: Sendable {
    private let raised = Atomic<Bool>(false)

    public init() {}

    /// Asks everything watching this flag to stop at its next checkpoint.
    public func cancel() { raised.store(true, ordering: .releasing) }

    /// Whether ``cancel()`` was called.
    public var isCancelled: Bool { raised.load(ordering: .acquiring) }
}
