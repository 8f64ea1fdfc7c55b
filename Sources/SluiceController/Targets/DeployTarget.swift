import Foundation
import SluiceCore
import SluiceManifest
import SluiceReconcile
import SluiceSystem

/// A place models are published to. Publishing is atomic: the target shows the old model or
/// the new one, never a half-written one.
public protocol DeployTarget: Sendable {
    /// Compares what the target holds with what it should hold: the artifact, and the metadata
    /// naming the model, its version and the artifact's digest (what a server loads it by).
    func observe(_ expected: ExpectedContent) throws -> TargetObservation
    /// Publishes an artifact and its metadata, and the files of the other formats (`model.onnx`)
    /// beside them: those first, `model.json` next, `metadata.json` (which gives their digests) last;
    /// then removes any file of a format that is no longer published.
    /// - Parameter files: the files besides `model.json` (``PublishedFile``); empty for most models.
    /// - Parameter fence: called right before the write that makes the new model visible (the
    ///   rename, the request); when it throws, nothing visible is changed and its error is thrown.
    func publish(artifact: [UInt8], metadata: [UInt8], files: [PublishedFile], fence: WriteFence) throws
    /// Removes the model from the target (every format's file).
    /// - Parameter fence: called right before the first deletion; when it throws, nothing is removed.
    func retire(fence: WriteFence) throws
    /// Checks, without changing anything visible, that the target could be published to.
    func preflight() throws
}

/// Checks, right before a write to a deployment target commits, that this process may still
/// write: the writer lease's ``WriterLease/confirm()``. A holder that was paused past its lease
/// and lost it finds out here, before it overwrites what the new holder published.
public typealias WriteFence = @Sendable () throws -> Void
