import Synchronization
import SluiceController
import SluiceManifest

/// Deployment targets in memory: one ``FakeDeployTarget`` per place a deploy spec names, made
/// when first asked for and kept, so that a test can look at it (and make it fail) before or
/// after the executor uses it.
public final class FakeTargets: TargetProvider {
    private let targets = Mutex([String: FakeDeployTarget]())

    public init() {}

    public func identity(_ spec: DeploySpec) -> String { spec.summary }

    public func target(_ spec: DeploySpec) throws -> any DeployTarget { self[spec] }

    /// The fake for `spec`.
    public subscript(_ spec: DeploySpec) -> FakeDeployTarget {
        let key = identity(spec)
        return targets.withLock { all in
            if let known = all[key] { return known }
            let made = FakeDeployTarget(name: key)
            all[key] = made
            return made
        }
    }

    /// The fake for a directory target at `path` (as a manifest writes it).
    public subscript(directory path: String) -> FakeDeployTarget { self[.directory(path: path)] }
}
