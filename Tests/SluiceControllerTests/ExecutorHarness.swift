import Foundation
import Logging
import SluiceCore
import SluiceManifest
import SluiceReconcile
import SluiceTesting
@testable import SluiceController

/// An executor in-process: an in-memory store, fake deployment targets and a fixed clock, with
/// the repository as the data root (datasets from `examples/data`). One pass is what `apply`
/// does: observe, plan (the real planner), carry the plan out.
final class ExecutorHarness: Sendable {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    let store = InMemoryStore()
    let targets = FakeTargets()
    let clock = FixedClock()
    let data: DataResolver

    init() {
        data = DataResolver(root: Self.repository, digester: FileDigester(store: store))
    }

    func executor(cache: VersionCache? = nil, cancellation: CancellationFlag? = nil, lease: WriterLease? = nil) -> PlanExecutor {
        PlanExecutor(store: store, data: data, targets: targets, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }), revision: "rev1",
                 cache: cache, cancellation: cancellation, lease: lease, clock: clock)
    }

    /// The store's records and what each publication's fake target holds (as `Reconciler.observe` does).
    func observe() throws -> ObservedState {
        var observed = try store.observe()
        for (name, model) in observed.models {
            observed.models[name]?.versions = model.versions.filter { store.hasArtifact($0.value.artifactDigest) }
            guard let pub = model.publication else { continue }
            observed.models[name]?.target = try targets.target(pub.deploy)
                .observe(ExpectedContent(model: name, version: pub.version, artifactDigest: pub.artifactDigest))
        }
        return observed
    }

    /// Plans `models` against the store and the targets, and carries the plan out.
    @discardableResult
    func apply(_ models: [ManifestBuilder], cache: VersionCache? = nil, cancellation: CancellationFlag? = nil,
               lease: WriterLease? = nil, concurrency: Int = 1) throws -> (Plan, ApplyReport) {
        let desired = models.map { $0.desired(data: data) }
        let observed = try observe()
        let plan = Planner().plan(desired: desired, manifests: ManifestSet(manifests: desired.map(\.manifest)), observed: observed)
        let report = executor(cache: cache, cancellation: cancellation, lease: lease)
            .apply(plan, desired: desired, observed: observed, concurrency: concurrency)
        return (plan, report)
    }

    /// The version a model's fake target holds now, from its `metadata.json`.
    func versionIn(_ spec: DeploySpec) -> String? {
        targets[spec].content?.metadataJSON?["version"]?.stringValue
    }

    /// The version of `model` in service, by the store.
    func inService(_ model: String) throws -> String? {
        try store.activePublications().first { $0.model == model }?.version
    }
}
