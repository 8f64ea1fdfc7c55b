import SluiceManifest

/// A model as desired: its manifest, and the content digests of its data (or why they could not be read).
public struct DesiredModel: Sendable {
    /// The content digests of the dataset and test file, or why they could not be read.
    /// (Not `Data`, which would hide Foundation's within this type.)
    public enum DataState: Sendable, Equatable {
        case resolved(dataDigest: String, testDigest: String?)
        case failed(String)
    }

    public var manifest: Manifest
    public var data: DataState
    /// The feedback snapshot it trains on beside its dataset, after an automatic retrain of these
    /// training inputs (`spec.monitor.onBreach: "retrain"`); `nil` for the manifest's data alone.
    public var feedback: FeedbackInput?

    public init(manifest: Manifest, data: DataState, feedback: FeedbackInput? = nil) {
        self.manifest = manifest
        self.data = data
        self.feedback = feedback
    }

    /// The version id of these inputs, when the data could be read.
    public var versionID: String? {
        guard case .resolved(let d, let t) = data else { return nil }
        return VersionIdentity.id(manifest, dataDigest: d, testDigest: t, feedback: feedback?.digest)
    }

    /// The version id of the manifest's data alone (without ``feedback``): what feedback
    /// snapshots are kept under, so that a snapshot applies only to the inputs it was taken for.
    public var baseVersionID: String? {
        guard case .resolved(let d, let t) = data else { return nil }
        return VersionIdentity.id(manifest, dataDigest: d, testDigest: t)
    }
}
