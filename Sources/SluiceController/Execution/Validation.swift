import Foundation
import SluiceLearn
import SluiceManifest
import SluiceReconcile

/// The checks of `sluice validate`: each manifest's format, and that its data is reachable,
/// matches its pins, parses, and can train the declared model — without training it.
public struct Validation: Sendable {
    /// One model's result.
    public struct Result: Sendable {
        public var model: String
        public var file: String
        /// `nil` when everything checks out.
        public var problem: String?
    }

    public let data: DataResolver
    public let targets: TargetFactory

    public init(data: DataResolver, targets: TargetFactory) {
        self.data = data
        self.targets = targets
    }

    /// Checks every valid manifest of `set` (invalid ones already carry their errors).
    public func check(_ set: ManifestSet) -> [Result] {
        data.prefetch(set.manifests)  // every URL at once: one slow server costs one deadline
        return set.manifests.map { m in
            Result(model: m.name, file: m.origin.file, problem: problem(m))
        }
    }

    private func problem(_ m: Manifest) -> String? {
        let resolved = data.resolve(m)
        if case .failed(let why) = resolved { return why }
        do {
            let parts = try data.partition(m, data: resolved, spec: m.trainingSpec)
            do { try Trainer.check(m.trainingSpec, train: parts.train, test: parts.test) } catch let e as LearnError {
                return "\(m.dataset.source): \(e.message)"
            }
            if !m.retired { try targets.target(m.deploy).preflight() }
        } catch {
            return "\(error)"
        }
        return nil
    }
}
