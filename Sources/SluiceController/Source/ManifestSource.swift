import Foundation

/// Where the controller's desired state comes from: a directory, or a branch of a git repository.
public protocol ManifestSource: Sendable {
    /// The root the manifests directory and dataset paths resolve against.
    var root: URL { get }
    /// The manifests directory, relative to ``root``.
    var manifests: String { get }
    /// Brings the source up to date (a git fetch and checkout); a directory has nothing to do.
    /// - Throws: when the source cannot be reached; the controller keeps the last state it had.
    func sync() throws
    /// Whether ``sync()`` ever succeeded, so there is a desired state to reconcile.
    var isAvailable: Bool { get }
    /// For logs: "directory /srv/models/manifests", "git https://… branch main".
    var description: String { get }
}
