import Foundation
import Synchronization
import SluiceController

/// A manifest source whose ``sync()`` fails on demand, like a git remote that is down: the
/// manifests are read from a local directory, and ``isAvailable`` turns true at the first
/// successful sync (as a git source's does once its first clone succeeded).
public final class FakeSource: ManifestSource {
    public let root: URL
    public let manifests: String
    private let state = Mutex(State())

    private struct State {
        var failure: String?
        var syncs = 0
        var synced = false
    }

    /// What ``FakeSource/sync()`` throws.
    public struct Unreachable: Error, CustomStringConvertible {
        public var description: String
    }

    /// - Parameter failure: the error each sync throws until ``fail(_:)`` changes it; `nil` succeeds.
    public init(root: URL, manifests: String = "manifests", failure: String? = nil) {
        self.root = root
        self.manifests = manifests
        state.withLock { $0.failure = failure }
    }

    /// From now on each sync throws `failure`, or succeeds when it is `nil`.
    public func fail(_ failure: String?) { state.withLock { $0.failure = failure } }

    /// How many times ``sync()`` was called.
    public var syncs: Int { state.withLock { $0.syncs } }

    public func sync() throws {
        let failure = state.withLock { s in
            s.syncs += 1
            if s.failure == nil { s.synced = true }
            return s.failure
        }
        if let failure { throw Unreachable(description: failure) }
    }

    public var isAvailable: Bool { state.withLock { $0.synced } }
    public var description: String { "fake source \(root.path)" }
}
