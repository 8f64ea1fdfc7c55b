import SluiceCore
import SluiceLearn
import SluiceManifest
import SluiceReconcile
import SluiceController

/// Builds a ``Manifest`` value (and the ``DesiredModel`` for it) for in-process tests, with the
/// defaults a small, quick, deterministic model needs: a decision tree on `examples/data/iris.csv`,
/// a gate it passes, and a directory target named after the model. Change any field before
/// ``manifest`` is read:
///
/// ```swift
/// var b = ManifestBuilder("iris")
/// b.gate = [GateRule(metric: "accuracy", min: 0.999)]
/// let desired = b.desired(data: resolver)
/// ```
public struct ManifestBuilder: Sendable {
    public var name: String
    public var algorithm: String
    /// Parameters as the manifest gives them; the algorithm's defaults fill the rest.
    public var params: [String: JSON]
    /// The dataset, relative to the data resolver's root.
    public var source: String
    public var target: String
    public var split: SplitSpec
    public var gate: [GateRule]
    /// The deploy target; `nil` is `deploy/<name>`.
    public var deploy: DeploySpec?
    public var suspend: Bool
    public var retired: Bool

    public init(_ name: String = "iris", algorithm: String = "decision_tree", params: [String: JSON] = [:],
                source: String = "examples/data/iris.csv", target: String = "species", split: SplitSpec = SplitSpec(),
                gate: [GateRule] = [GateRule(metric: "accuracy", min: 0.5)], deploy: DeploySpec? = nil,
                suspend: Bool = false, retired: Bool = false) {
        self.name = name
        self.algorithm = algorithm
        self.params = params
        self.source = source
        self.target = target
        self.split = split
        self.gate = gate
        self.deploy = deploy
        self.suspend = suspend
        self.retired = retired
    }

    /// The manifest, as if read from `manifests/<name>.json`.
    public var manifest: Manifest {
        guard let algo = AlgorithmCatalog.algorithm(named: algorithm) else { preconditionFailure("no algorithm \(algorithm)") }
        return Manifest(
            name: name, labels: [:], task: .classification,
            dataset: DatasetSpec(source: source, target: target, features: nil, split: split, test: nil, sha256: nil, testSha256: nil),
            algorithm: algorithm, params: algo.filled(params), gate: gate, deploy: deploy ?? .directory(path: "deploy/\(name)"),
            suspend: suspend, retired: retired, origin: .init(file: "manifests/\(name).json", position: .init(line: 1, column: 1)))
    }

    /// The desired model with its data digests as given (no file read).
    public func desired(dataDigest: String, testDigest: String? = nil) -> DesiredModel {
        DesiredModel(manifest: manifest, data: .resolved(dataDigest: dataDigest, testDigest: testDigest))
    }

    /// The desired model with its data resolved (read and digested) by `data`.
    public func desired(data: DataResolver) -> DesiredModel {
        let m = manifest
        return DesiredModel(manifest: m, data: data.resolve(m))
    }
}
