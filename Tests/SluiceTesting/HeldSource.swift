import Foundation
import SluiceController

/// A manifest source in a directory whose ``sync()`` blocks until ``release()``: a cycle stuck
/// in work that does not stop (a git fetch that hangs), to test how the controller stops.
public final class HeldSource: ManifestSource, @unchecked Sendable {
    public let root: URL
    public let manifests: String
    /// Guards `held` and `entries`.
    private let condition = NSCondition()
    private var held = true
    private var entries = 0

    public init(root: URL, manifests: String = "manifests") {
        self.root = root
        self.manifests = manifests
    }

    /// Blocks until ``release()`` (at once after it).
    public func sync() throws {
        condition.lock()
        defer { condition.unlock() }
        entries += 1
        while held { condition.wait() }
    }

    /// How many times ``sync()`` was entered.
    public var syncs: Int {
        condition.lock()
        defer { condition.unlock() }
        return entries
    }

    /// Lets every ``sync()`` return, now and from now on.
    public func release() {
        condition.lock()
        held = false
        condition.broadcast()
        condition.unlock()
    }

    public var isAvailable: Bool { true }
    public var description: String { "held directory \(root.path)" }
}
