import SluiceManifest

/// Everything a `gate` run produced.
public struct GateRun: Sendable {
    public var results: [GateResult]
    public var skipped: [GateSkip]
    public var errors: [ManifestError]
}
