import SluiceCore

/// The desired state read from a manifests directory: the manifests that decoded cleanly, and the
/// errors of those that did not.
public struct ManifestSet: Sendable {
    /// Valid manifests, sorted by name.
    public var manifests: [Manifest]
    /// Every problem found, in file order.
    public var errors: [ManifestError]
    /// The files that were read, relative to the root.
    public var files: [String]
    /// Names of models whose manifest exists but is invalid (so they are not "removed").
    public var invalidModels: Set<String>
    /// Why no desired state could be read at all (the manifests directory is missing, or holds no
    /// manifest and emptiness was not asked for); `nil` when it was read, even with errors in some
    /// files. A controller whose last cycle read nothing is not ready (`/readyz`).
    public var unreadable: String?

    public init(manifests: [Manifest] = [], errors: [ManifestError] = [], files: [String] = [], invalidModels: Set<String> = []) {
        self.manifests = manifests
        self.errors = errors
        self.files = files
        self.invalidModels = invalidModels
    }

    /// Whether every file loaded without error: the condition for retiring anything.
    public var loadedCleanly: Bool { errors.isEmpty }

    /// Decodes a set of files and checks that names are unique across them.
    /// - Parameter files: paths relative to the root with their contents, in a stable order.
    public static func assemble(_ files: [(path: String, bytes: [UInt8])]) -> ManifestSet {
        var set = ManifestSet(files: files.map(\.path))
        var all: [Manifest] = []
        for (manifests, errors) in decodeAll(files) {
            all += manifests
            set.errors += errors
            set.invalidModels.formUnion(errors.compactMap(\.model))
        }
        var first: [String: Manifest] = [:]
        var duplicated = Set<String>()
        for m in all {
            if let earlier = first[m.name] {
                duplicated.insert(m.name)
                set.errors.append(ManifestError(
                    file: m.origin.file, position: m.origin.position, path: "metadata.name",
                    message: "\"\(m.name)\" is already declared at \(earlier.origin); names must be unique across all manifests",
                    model: m.name))
            } else {
                first[m.name] = m
            }
        }
        set.invalidModels.formUnion(duplicated)
        set.manifests = all.filter { !duplicated.contains($0.name) && !set.invalidModels.contains($0.name) }.sorted { $0.name < $1.name }
        return set
    }
    /// Decodes files on all cores; results come back in file order.
    static func decodeAll(_ files: [(path: String, bytes: [UInt8])]) -> [(manifests: [Manifest], errors: [ManifestError])] {
        files.map { File(path: $0.path, bytes: $0.bytes) }.parallelMap { ManifestDecoder.decode($0.bytes, file: $0.path) }
    }

    private struct File: Sendable {
        var path: String
        var bytes: [UInt8]
    }
}
