import Foundation
import SluiceCore
import SluiceLearn
import SluiceManifest
import SluiceReconcile

/// The checks of `sluice validate`: each manifest's format, and that its data is reachable,
/// matches its pins, parses, and can train the declared model — without training it.
public struct Validation: Sendable {
    /// One model's result.
    public struct ModelResult: Sendable {
        public var model: String
        public var file: String
        /// `nil` when everything checks out.
        public var problem: String?
        /// Things that work but are likely mistakes (an identifier column used as a feature).
        public var warnings: [String] = []
    }

    public let data: DataResolver
    public let targets: TargetFactory

    public init(data: DataResolver, targets: TargetFactory) {
        self.data = data
        self.targets = targets
    }

    /// Checks every valid manifest of `set` (invalid ones already carry their errors).
    public func check(_ set: ManifestSet) -> [ModelResult] {
        data.prefetch(set.manifests)  // every URL at once: one slow server costs one deadline
        return set.manifests.map(check)
    }

    private func check(_ m: Manifest) -> ModelResult {
        var result = ModelResult(model: m.name, file: m.origin.file, problem: nil)
        let resolved = data.resolve(m)
        if case .failed(let why) = resolved {
            result.problem = why
            return result
        }
        do {
            let parts = try data.partition(m, data: resolved, spec: m.trainingSpec)
            if case .resolved(let digest, _) = resolved {
                result.warnings = Validation.featureWarnings(m, frame: try data.frame(m.dataset.source, digest: digest, field: "spec.dataset.source", manifest: m))
            }
            do { try Trainer.check(m.trainingSpec, train: parts.train, test: parts.test) } catch let e as LearnError {
                result.problem = "\(Redaction.url(m.dataset.source)): \(e.message)"
                return result
            }
            if !m.retired { try targets.target(m.deploy).preflight() }
        } catch {
            result.problem = Redaction.text("\(error)")
        }
        return result
    }

    /// Warnings about columns that look like row identifiers or free text and become features
    /// only because `spec.dataset.features` is not set (see ``IdentifierColumns``).
    public static func featureWarnings(_ m: Manifest, frame: DataFrame) -> [String] {
        guard m.dataset.features == nil else { return [] }
        let columns = frame.columnNames.filter { $0 != m.dataset.target }
        return IdentifierColumns.find(in: frame, columns: columns).map { f in
            "\(m.origin.file): \(m.name): column \"\(f.column)\" of \(Redaction.url(m.dataset.source)) \(f.why); it is used as a feature because spec.dataset.features is not set. List the feature columns in spec.dataset.features, without \"\(f.column)\""
        }
    }
}
