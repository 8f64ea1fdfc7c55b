import Foundation

/// What the repository knows about one model name: the version it serves, if any, and why the
/// files below the repository could not be loaded, if they could not.
public struct ModelStatus: Sendable, Equatable {
    public var name: String
    /// The directory, relative to the repository, the files are in.
    public var path: String
    /// The version being served; `nil` when none is (the model is then not ready).
    public var version: String?
    /// SHA-256 of the artifact being served.
    public var digest: String?
    /// Why the files in ``path`` were not loaded (the served version, if any, is the previous one).
    public var reason: String?
    public var loadedAt: Date?

    /// Whether a version is being served.
    public var ready: Bool { version != nil }
}
