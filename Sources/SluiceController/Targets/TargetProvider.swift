import SluiceManifest

/// Where the executor gets the deployment target a deploy spec names: ``TargetFactory`` in
/// production (real directories and HTTP endpoints); a fake in tests (`SluiceTesting`).
public protocol TargetProvider: Sendable {
    /// One spelling of the place `spec` names, equal for two specs that name the same place.
    func identity(_ spec: DeploySpec) -> String
    /// The target for `spec`.
    /// - Throws: when this build cannot deploy to the kind of target `spec` names.
    func target(_ spec: DeploySpec) throws -> any DeployTarget
}

extension TargetFactory: TargetProvider {}
