import Synchronization
import SluiceCore
import SluiceController
import SluiceReconcile

/// A deployment target in memory, for in-process tests of the executor and the controller: it
/// records what is published and retired, checks the write fence as a real target does, and
/// fails or drifts when told to.
public final class FakeDeployTarget: DeployTarget {
    /// One publish, as the target received it.
    public struct Content: Sendable, Equatable {
        public var artifact: [UInt8]
        public var metadata: [UInt8]
        /// The files besides `model.json` (`model.onnx`).
        public var files: [PublishedFile] = []

        /// `metadata.json`, parsed.
        public var metadataJSON: JSON? { try? JSONParser.parse(metadata).value }
    }

    private struct State {
        var content: Content?
        var publishes: [Content] = []
        var retirements = 0
        var publishFailure: String?
        var retireFailure: String?
        var drift: String?
    }

    /// What the fake says it is ("directory deploy/iris").
    public let name: String
    private let state = Mutex(State())

    public init(name: String) { self.name = name }

    /// What the target holds now (`nil` when nothing, or retired).
    public var content: Content? { state.withLock { $0.content } }
    /// Every publish that went through, in order.
    public var publishes: [Content] { state.withLock { $0.publishes } }
    /// How many retirements went through.
    public var retirements: Int { state.withLock { $0.retirements } }

    /// Makes every publish (and preflight) fail with `message` from now on; `nil` stops it.
    public func failPublishes(_ message: String?) { state.withLock { $0.publishFailure = message } }
    /// Makes every retirement fail with `message` from now on; `nil` stops it.
    public func failRetirements(_ message: String?) { state.withLock { $0.retireFailure = message } }
    /// Makes ``observe(_:)`` report drift, saying `how`; `nil` stops it.
    public func drift(_ how: String?) { state.withLock { $0.drift = how } }

    public func observe(_ expected: ExpectedContent) throws -> TargetObservation {
        let (content, drift) = state.withLock { ($0.content, $0.drift) }
        if let drift { return .drifted(drift) }
        guard let content else { return .drifted("model.json is missing") }
        guard SHA256.hex(of: content.artifact) == expected.artifactDigest else { return .drifted("model.json was changed") }
        let metadata = content.metadataJSON
        guard metadata?["model"]?.stringValue == expected.model, metadata?["version"]?.stringValue == expected.version else {
            return .drifted("metadata.json names another model or version")
        }
        return .matches
    }

    public func publish(artifact: [UInt8], metadata: [UInt8], files: [PublishedFile], fence: WriteFence) throws {
        if let failure = state.withLock({ $0.publishFailure }) { throw FakeTargetError(message: "\(name): \(failure)") }
        try fence()
        state.withLock {
            let content = Content(artifact: artifact, metadata: metadata, files: files)
            $0.content = content
            $0.publishes.append(content)
        }
    }

    public func retire(fence: WriteFence) throws {
        if let failure = state.withLock({ $0.retireFailure }) { throw FakeTargetError(message: "\(name): \(failure)") }
        try fence()
        state.withLock {
            $0.content = nil
            $0.retirements += 1
        }
    }

    public func preflight() throws {
        if let failure = state.withLock({ $0.publishFailure }) { throw FakeTargetError(message: "\(name): \(failure)") }
    }
}

/// The error a ``FakeDeployTarget`` throws when told to fail.
public struct FakeTargetError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public var description: String { message }
}
