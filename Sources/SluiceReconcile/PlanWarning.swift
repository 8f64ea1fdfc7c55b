import SluiceManifest

/// A problem that stops a plan from being complete. ``description`` is the line shown to people.
public enum PlanWarning: Sendable, Equatable, CustomStringConvertible {
    /// A manifest file or document is invalid. `plan` lists it with the errors rather than the
    /// warnings, and it makes `plan` and `apply` exit 1.
    case invalidManifest(ManifestError)
    /// Published models whose manifests are gone are not retired, because some manifest files
    /// failed to load (a broken file must never look like a removed model).
    case retirementWithheldForErrors(models: [String])
    /// Published models whose manifests are gone are not retired, because that would retire every
    /// published model at once and `--allow-empty` is not given.
    case retirementWithheldForAll(models: [String])
    /// A column of a model's data looks like a row identifier or free text and becomes a feature
    /// because `spec.dataset.features` is not set (the sentence names file, model and column).
    case featureColumn(String)

    public var description: String {
        switch self {
        case .invalidManifest(let error):
            "invalid manifest: \(error)"
        case .retirementWithheldForErrors(let models):
            "not retiring \(models.joined(separator: ", ")): some manifest files failed to load, and a broken file must never look like a removed model. Fix the errors and run again"
        case .retirementWithheldForAll(let models):
            "not retiring \(models.joined(separator: ", ")): that would retire every published model at once. If that is intended, run again with --allow-empty"
        case .featureColumn(let sentence):
            sentence
        }
    }

    /// Whether this is a manifest error (shown with the errors, not as a warning).
    public var isInvalidManifest: Bool {
        if case .invalidManifest = self { true } else { false }
    }
}
